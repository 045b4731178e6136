// Model inputs for local runs: validation_inputs_data (.npy paths relative to the deployment
// file) or seeded random values within input_ranges (shared logic in @mace/converter).
import { readFileSync } from 'node:fs';
import { InputMismatchError, modelInputs, readNpy, type NamedTensor } from '@mace/converter';
import type { SubgraphConfig } from '@mace/config';
import { UserError } from './command.js';
import { resolvePath, type LoadedDeployment } from './deployment.js';

export {
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  seededRandom,
  toFloat32,
  transpose4d,
  type NamedTensor as NamedInput,
} from '@mace/converter';

export function prepareInputs(dep: LoadedDeployment, sg: SubgraphConfig, seed = 1234): NamedTensor[] {
  try {
    return modelInputs(
      sg,
      (i, name) => {
        const file = sg.validationInputsData[i];
        if (!file) return null;
        if (/^https?:\/\//.test(file))
          throw new UserError(
            `validation input ${file}: URLs are not supported here; download it and give a local .npy path`,
          );
        const path = resolvePath(dep, file);
        try {
          return readNpy(readFileSync(path));
        } catch (err) {
          throw new UserError(`validation input ${path} for '${name}': ${(err as Error).message}`);
        }
      },
      seed,
    );
  } catch (err) {
    if (err instanceof InputMismatchError) throw new UserError(`validation input: ${err.message}`);
    throw err;
  }
}
