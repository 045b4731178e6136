// mace validate / mace tune: device jobs that exist only on the service (locally, `mace run
// --validate` validates on this host).
import { remoteOnlyRunCommand } from '../remote/remote-mode.js';

const shared = {
  config: { type: 'string', value: 'FILE', description: 'the deployment file (MACE YAML)' },
  omp_num_threads: { type: 'string', value: 'N', description: 'CPU threads (default: one per core)' },
  cpu_affinity_policy: { type: 'string', value: 'P', description: '0 none, 1 big cores, 2 little cores' },
  json: { type: 'string', value: 'FILE', description: 'write the run summary (and comparison) as JSON' },
} as const;

export const validateCommand = remoteOnlyRunCommand(
  'validate',
  "Validates each model of a deployment file on the service's devices against the original framework (cosine, SQNR, top-1).",
  shared,
);

export const tuneCommand = remoteOnlyRunCommand(
  'tune',
  "Tunes the OpenCL kernels of the deployment's GPU models on the service's devices (tuned files are kept per device and driver).",
  shared,
);
