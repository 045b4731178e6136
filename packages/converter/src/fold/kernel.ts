// The reference evaluator's kernel type and its "cannot evaluate this" error.
import { ConversionError } from '../errors.js';
import type { Node } from '../ir/graph.js';
import type { TensorValue } from '../ir/tensor.js';

/** Evaluates one node; inputs[i] is null for an omitted optional input. */
export type Kernel = (node: Node, inputs: (TensorValue | null)[], opset: number) => TensorValue[];

/** Thrown when the evaluator cannot (or should not) evaluate a node; folding then keeps the node. */
export class EvaluationError extends ConversionError {}

export function unsupported(node: Node, what: string): never {
  const reason = `cannot evaluate ${node.opType}: ${what}`;
  throw new EvaluationError(`${reason} (node '${node.name}')`, [
    { name: node.name, opType: node.opType, opset: 0, reason },
  ]);
}
