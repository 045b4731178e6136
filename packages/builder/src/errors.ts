// Why a build failed, in words a user can act on. `user`: the request cannot be built as asked
// (unknown ABI, a missing toolchain the user must install); `infrastructure`: the machine failed
// (a compiler crash, a full disk) and a retry may succeed.
export class BuildError extends Error {
  constructor(
    message: string,
    readonly kind: 'user' | 'infrastructure',
  ) {
    super(message);
    this.name = 'BuildError';
  }
}
