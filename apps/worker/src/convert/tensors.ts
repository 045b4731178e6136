// Model inputs for reference runs: validation_inputs_data files or seeded random values
// (shared logic in @mace/converter), with unreadable or ill-fitting files as user errors.
import type { SubgraphConfig } from '@mace/config';
import { InputMismatchError, modelInputs, readNpy, type NamedTensor } from '@mace/converter';
import { readFileSync } from 'node:fs';
import { TaskUserError } from './task-protocol.js';

export { NCHW_TO_NHWC, NHWC_TO_NCHW, transpose4d, type NamedTensor } from '@mace/converter';

/** Inputs in the declared layout: from .npy files (one per input) or seeded random values. */
export function prepareInputs(sg: SubgraphConfig, files: string[] | null, seed: number): NamedTensor[] {
  try {
    return modelInputs(
      sg,
      (i, name) => {
        if (!files) return null;
        try {
          return readNpy(readFileSync(files[i]));
        } catch (err) {
          throw new TaskUserError(
            `validation input ${i} for '${name}' is not a readable .npy file: ${(err as Error).message}`,
          );
        }
      },
      seed,
    );
  } catch (err) {
    if (err instanceof InputMismatchError) throw new TaskUserError(`validation input: ${err.message}`);
    throw err;
  }
}
