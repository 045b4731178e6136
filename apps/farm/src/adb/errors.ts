// Errors with POSIX codes, so the sync service can report them the way adbd does
// (errno numbers in STA2, strerror text in FAIL).
import { constants } from 'node:os';

const MESSAGES: Record<string, string> = {
  EACCES: 'Permission denied',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  EIO: 'I/O error',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ENOENT: 'No such file or directory',
  ENOSPC: 'No space left on device',
  ENOTDIR: 'Not a directory',
  ENOTEMPTY: 'Directory not empty',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
};

export class PosixError extends Error {
  override name = 'PosixError';
  constructor(
    readonly code: string,
    readonly path: string,
  ) {
    super(`${path}: ${errorMessage(code)}`);
  }
}

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in constants.errno ? code : 'EIO';
}

/** strerror() text for a code such as ENOENT. */
export function errorMessage(code: string): string {
  return MESSAGES[code] ?? code;
}

/** The Linux errno number for a code (adb sends Linux numbers on the wire). */
export function errorNumber(code: string): number {
  return (constants.errno as Record<string, number>)[code] ?? constants.errno.EIO;
}
