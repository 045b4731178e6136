// What a service needs from the phone that runs it.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { PhoneState } from '../builtin-commands.js';
import type { ProcessPlacement } from '../device-process.js';
import type { PhoneRoot } from '../phone-root.js';

export interface ServiceContext {
  root: PhoneRoot;
  placement: ProcessPlacement;
  /** Current properties and battery, read when a command asks. */
  phoneState(): PhoneState;
  /** Registers a command so that unplugging the phone kills it. */
  trackProcess(child: ChildProcessWithoutNullStreams): void;
  log(line: string): void;
}
