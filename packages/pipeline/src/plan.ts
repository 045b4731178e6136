// A run's jobs: convert per model → build per target ABI (its package holds every model) → per
// matching device and model: tune (GPU models: MACE's OpenCL tuning outputs, reused when this
// device, driver and model were tuned before), validate, then benchmark. Pure: the database part
// is in submit.ts.
import { isGpuRuntime, MAX_TIME_LIMIT_S, type JobKind, type JobPayload, type RunOptions } from '@mace/protocol';
import { RunInputError } from './errors.js';

export interface PlannedJob {
  /** Local key within the plan, e.g. "convert:squeezenet", "build:host", "validate:<device>:squeezenet". */
  key: string;
  kind: JobKind;
  modelTag: string | null;
  abi: string | null;
  deviceId: string | null;
  payload: JobPayload;
  dependsOn: string[];
}

export interface PlanInput {
  actions: JobKind[];
  /** `runtime`: the deployment file's (cpu, gpu, cpu+gpu, ...); GPU models (gpu, cpu+gpu) get tune jobs. */
  models: { tag: string; sha256: string | null; runtime: string }[];
  targetAbis: string[];
  devices: { id: string; abi: string }[];
  options: RunOptions;
}

const SUPPORTED: readonly JobKind[] = ['convert', 'build', 'tune', 'validate', 'benchmark'];

/** The actions a run performs: tune, validate and benchmark need build, build needs convert. */
export function expandActions(actions: unknown): JobKind[] {
  if (!Array.isArray(actions) || actions.length === 0)
    throw new RunInputError('actions must be a non-empty list of convert, build, tune, validate, benchmark', 'actions');
  const set = new Set<JobKind>();
  for (const a of actions) {
    if (!(SUPPORTED as readonly unknown[]).includes(a))
      throw new RunInputError(
        `unknown action ${JSON.stringify(a)}; use convert, build, tune, validate or benchmark`,
        'actions',
      );
    set.add(a as JobKind);
  }
  if (set.has('tune') || set.has('validate') || set.has('benchmark')) set.add('build');
  // A library package holds the converted models (as files or compiled in as code).
  if (set.has('build')) set.add('convert');
  return SUPPORTED.filter((k) => set.has(k));
}

/** Whether the run's actions need devices: tune (of a GPU model), validate or benchmark. */
export function needsDevices(actions: readonly JobKind[], models: PlanInput['models']): boolean {
  return (
    actions.includes('validate') ||
    actions.includes('benchmark') ||
    (actions.includes('tune') && models.some((m) => isGpuRuntime(m.runtime)))
  );
}

/**
 * Refuses `tune` for a deployment without a GPU model: OpenCL tuning needs a model whose
 * runtime is gpu or cpu+gpu (validate and benchmark of such models tune by themselves).
 */
export function checkTune(actions: readonly JobKind[], models: PlanInput['models']): void {
  if (!actions.includes('tune') || models.some((m) => isGpuRuntime(m.runtime))) return;
  throw new RunInputError(
    `action "tune" tunes the OpenCL kernels of GPU models, but no model of this deployment runs on the GPU ` +
      `(${models.map((m) => `${m.tag}: runtime ${m.runtime}`).join(', ')}); ` +
      'set runtime: gpu or cpu+gpu in the deployment file, or leave tune out',
    'actions',
  );
}

export function planJobs(input: PlanInput): PlannedJob[] {
  const actions = new Set(input.actions);
  checkTune(input.actions, input.models);
  const jobs: PlannedJob[] = [];
  const options = input.options;
  if (actions.has('convert'))
    for (const m of input.models) {
      if (!m.sha256)
        throw new RunInputError(
          `model "${m.tag}" has no uploaded model file; upload it (POST /v1/models) and re-create the deployment`,
          'deploymentId',
        );
      jobs.push({
        key: `convert:${m.tag}`,
        kind: 'convert',
        modelTag: m.tag,
        abi: null,
        deviceId: null,
        payload: { modelTag: m.tag, modelSha256: m.sha256 },
        dependsOn: [],
      });
    }
  const abis = new Set<string>();
  if (actions.has('build')) for (const abi of input.targetAbis) abis.add(abi);
  for (const d of input.devices) abis.add(d.abi);
  for (const abi of abis)
    jobs.push({
      key: `build:${abi}`,
      kind: 'build',
      modelTag: null,
      abi,
      deviceId: null,
      payload: { abi },
      dependsOn: input.models.map((m) => `convert:${m.tag}`),
    });
  // GPU models are tuned on each device before they are validated or benchmarked there: the
  // tuned files are what those jobs run with (a reuse costs seconds).
  const tuning = actions.has('tune') || actions.has('validate') || actions.has('benchmark');
  for (const d of input.devices)
    for (const m of input.models) {
      const base = [`convert:${m.tag}`, `build:${d.abi}`];
      const device = {
        modelTag: m.tag,
        abi: d.abi,
        deviceId: d.id,
        payload: { modelTag: m.tag, abi: d.abi, deviceId: d.id, options },
      };
      const tune = tuning && isGpuRuntime(m.runtime) ? `tune:${d.id}:${m.tag}` : null;
      if (tune) jobs.push({ key: tune, kind: 'tune', ...device, dependsOn: base });
      const tuned = tune ? [...base, tune] : base;
      if (actions.has('validate'))
        jobs.push({ key: `validate:${d.id}:${m.tag}`, kind: 'validate', ...device, dependsOn: tuned });
      if (actions.has('benchmark'))
        jobs.push({
          key: `benchmark:${d.id}:${m.tag}`,
          kind: 'benchmark',
          ...device,
          // Benchmarking an output that failed validation is pointless: wait for it.
          dependsOn: actions.has('validate') ? [...tuned, `validate:${d.id}:${m.tag}`] : tuned,
        });
    }
  return jobs;
}

export function checkOptions(options: unknown): RunOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options))
    throw new RunInputError('options must be an object', 'options');
  const o = options as Record<string, unknown>;
  const int = (key: string, min: number, max: number): void => {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max))
      throw new RunInputError(`options.${key} must be an integer from ${min} to ${max}`, `options.${key}`);
  };
  const keys = ['round', 'maxTime', 'warmupRuns', 'threads', 'cpuAffinityPolicy', 'seed'];
  for (const key of Object.keys(o))
    if (!keys.includes(key))
      throw new RunInputError(`options.${key} is not a run option; use ${keys.join(', ')}`, `options.${key}`);
  int('round', 1, 10_000);
  const maxTime = o.maxTime;
  if (maxTime !== undefined && (typeof maxTime !== 'number' || !(maxTime > 0) || maxTime > MAX_TIME_LIMIT_S))
    throw new RunInputError(
      `options.maxTime must be a number of seconds above 0 and at most ${MAX_TIME_LIMIT_S}`,
      'options.maxTime',
    );
  int('warmupRuns', 0, 1_000);
  int('threads', -1, 256);
  int('cpuAffinityPolicy', 0, 2);
  int('seed', 0, 2 ** 31 - 1);
  return o as RunOptions;
}
