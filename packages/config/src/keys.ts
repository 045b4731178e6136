// The keys a deployment file may contain at each level, and the unknown-key warning
// (with a "did you mean" hint) for anything else.

import type { Reporter } from './errors.js';
import { keyPath, type YMap } from './tree.js';

export const TOP_KEYS = [
  'library_name',
  'target_abis',
  'target_socs',
  'model_graph_format',
  'model_data_format',
  'models',
] as const;

/** Keys of one subgraph. They may also sit directly under the model (older single-subgraph form). */
export const SUBGRAPH_KEYS = [
  'input_tensors',
  'input_shapes',
  'input_ranges',
  'input_data_formats',
  'input_data_types',
  'output_tensors',
  'output_shapes',
  'output_data_formats',
  'output_data_types',
  'validation_inputs_data',
  'check_tensors',
  'check_shapes',
  'validation_threshold',
  'backend',
] as const;

export const MODEL_KEYS = [
  'platform',
  'model_file_path',
  'model_sha256_checksum',
  'weight_file_path',
  'weight_sha256_checksum',
  'subgraphs',
  'runtime',
  'data_type',
  'winograd',
  'quantize',
  'quantize_range_file',
  'quantize_large_weights',
  'change_concat_ranges',
  'obfuscate',
  'limit_opencl_kernel_time',
  'opencl_queue_window_size',
  'nnlib_graph_mode',
  'cpu_affinity_policy',
] as const;

/** Keys MACE reads that this package accepts silently but does not interpret (kept in `raw`). */
const PASSTHROUGH_TOP = ['apu_version_with_no_device'];
const PASSTHROUGH_MODEL = [
  'graph_optimize_options',
  'cl_mem_type',
  'accelerator_api',
  'accuracy_validation_script',
  'validation_outputs_data',
  'docker_image_tag',
  'dockerfile_path',
  'dockerfile_sha256_checksum',
];
const PASSTHROUGH_SUBGRAPH = ['validation_outputs_data', 'accuracy_validation_script'];

/** Keys of old MACE releases (before model_graph_format / model_data_format). */
const LEGACY_TOP = ['build_type', 'embed_model_data', 'linkshared'];

export type Level = 'top' | 'model' | 'subgraph';

const KNOWN: Record<Level, ReadonlySet<string>> = {
  top: new Set<string>([...TOP_KEYS, ...PASSTHROUGH_TOP]),
  model: new Set<string>([...MODEL_KEYS, ...SUBGRAPH_KEYS, ...PASSTHROUGH_MODEL]),
  subgraph: new Set<string>([...SUBGRAPH_KEYS, ...PASSTHROUGH_SUBGRAPH]),
};

/** Warns about every key of `map` that is not known at `level`. */
export function warnUnknownKeys(map: YMap, path: string, level: Level, rep: Reporter): void {
  for (const e of map.entries) {
    if (KNOWN[level].has(e.key)) continue;
    const p = keyPath(path, e.key);
    if (level === 'top' && LEGACY_TOP.includes(e.key)) {
      rep.warn(
        p,
        `"${e.key}" is a key of old MACE releases and is ignored; use model_graph_format / model_data_format`,
        e.keyPos,
      );
    } else if (level === 'subgraph' && KNOWN.model.has(e.key)) {
      rep.warn(p, `"${e.key}" is a model-level key and is ignored inside a subgraph`, e.keyPos);
    } else {
      const hint = suggest(e.key, KNOWN[level]);
      rep.warn(p, `unknown key "${e.key}"${hint ? `; did you mean "${hint}"?` : ''}`, e.keyPos);
    }
  }
}

function suggest(key: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k);
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
