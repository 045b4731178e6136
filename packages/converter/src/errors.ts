// The converter's one error type: says what failed, on which node(s), and what the user can do about it.

export interface ConversionErrorNode {
  name: string;
  opType: string;
  opset: number;
  reason: string;
}

export class ConversionError extends Error {
  constructor(
    message: string,
    readonly nodes: ConversionErrorNode[] = [],
  ) {
    super(message);
    this.name = 'ConversionError';
  }
}
