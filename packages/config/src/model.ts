// Normalises one entry of `models:`: platform, files and checksums, runtime options,
// and its subgraphs (a list, a mapping of named graphs, or the older inline single-subgraph form).

import { toBool, toEnum, toInt, toStr, type Field } from './coerce.js';
import type { Reporter } from './errors.js';
import { SUBGRAPH_KEYS, warnUnknownKeys } from './keys.js';
import { notCppIdentifierReason, unsafeFileNameReason } from './names.js';
import { parseSubgraph } from './subgraph.js';
import { describe, entry, indexPath, isNull, keyPath, type YEntry, type YMap } from './tree.js';
import {
  DATA_TYPES,
  DEFAULTS,
  PLATFORMS,
  RUNTIMES,
  WINOGRAD_VALUES,
  defaultDataType,
  type DataType,
  type ModelConfig,
  type ModelFormat,
  type Runtime,
  type SubgraphConfig,
} from './types.js';

const SHA256 = /^[0-9a-fA-F]{64}$/;
const QUANTIZED_RUNTIMES: readonly Runtime[] = ['dsp', 'apu', 'hta'];

export interface ModelContext {
  modelGraphFormat: ModelFormat;
}

export function parseModel(e: YEntry, ctx: ModelContext, rep: Reporter): ModelConfig | undefined {
  const tag = e.key;
  const path = keyPath('models', tag);
  const why = unsafeFileNameReason(tag);
  if (why) rep.error(path, `model tag ${JSON.stringify(tag)} ${why}`, e.keyPos);
  const cpp = why ? undefined : notCppIdentifierReason(tag);
  if (cpp && ctx.modelGraphFormat === 'code') {
    rep.error(path, `model tag ${JSON.stringify(tag)} ${cpp} when model_graph_format is code`, e.keyPos);
  } else if (cpp) {
    rep.warn(path, `model tag ${JSON.stringify(tag)} ${cpp} for MACE's own converter`, e.keyPos);
  }
  if (e.value.kind !== 'map') {
    rep.error(path, `expected a mapping of model settings, got ${describe(e.value)}`, e.value.pos ?? e.keyPos);
    return undefined;
  }
  const map = e.value;
  warnUnknownKeys(map, path, 'model', rep);

  const get = (key: string): Field | undefined => {
    const x = entry(map, key);
    return x && !isNull(x.value) ? { node: x.value, path: keyPath(path, key) } : undefined;
  };
  const need = (key: string): Field | undefined => {
    const f = get(key);
    if (f) return f;
    const x = entry(map, key);
    rep.error(keyPath(path, key), x ? 'must not be empty' : 'missing required field', x ? x.keyPos : map.pos);
    return undefined;
  };
  const str = (key: string): string | null => {
    const f = get(key);
    return f ? (toStr(f, rep) ?? null) : null;
  };
  const sha = (key: string): string | null => {
    const f = get(key);
    const s = f ? toStr(f, rep) : undefined;
    if (f && s !== undefined && !SHA256.test(s)) {
      rep.error(
        f.path,
        `expected a SHA-256 checksum (64 hexadecimal characters), got ${JSON.stringify(s)}`,
        f.node.pos,
      );
      return null;
    }
    return s === undefined ? null : s.toLowerCase();
  };
  const bool = (key: string): boolean => {
    const f = get(key);
    return f ? (toBool(f, rep) ?? false) : false;
  };
  const int = (key: string, min: number, max?: number): number | undefined => {
    const f = get(key);
    const v = f ? toInt(f, rep, { min }) : undefined;
    if (f && v !== undefined && max !== undefined && v > max) {
      rep.error(f.path, `must be at most ${max}, got ${v}`, f.node.pos);
      return undefined;
    }
    return v;
  };

  const platformF = need('platform');
  const platform = platformF && toEnum(platformF, rep, PLATFORMS, { normalize: (s) => s.toLowerCase() });
  const fileF = need('model_file_path');
  const modelFilePath = fileF ? toStr(fileF, rep) : undefined;
  const modelSha256Checksum = sha('model_sha256_checksum');
  if (!get('model_sha256_checksum')) {
    rep.warn(
      keyPath(path, 'model_sha256_checksum'),
      "not given; MACE's converter requires it to verify the model file",
      map.pos,
    );
  }
  const weightFilePath = str('weight_file_path');
  const weightSha256Checksum = sha('weight_sha256_checksum');
  if (platform === 'caffe' && !get('weight_file_path')) {
    rep.error(
      keyPath(path, 'weight_file_path'),
      'missing required field (platform caffe needs the .caffemodel weights)',
      map.pos,
    );
  }
  if (weightFilePath !== null && !get('weight_sha256_checksum')) {
    rep.warn(
      keyPath(path, 'weight_sha256_checksum'),
      "not given; MACE's converter requires it to verify the weight file",
      map.pos,
    );
  }

  const runtimeF = get('runtime');
  const runtime =
    (runtimeF &&
      toEnum(runtimeF, rep, RUNTIMES, {
        normalize: (s) => s.toLowerCase(),
        aliases: { cpu_gpu: 'cpu+gpu', hexagon: 'dsp' },
      })) ||
    DEFAULTS.runtime;
  const dataType = parseDataType(get('data_type'), runtime, rep);

  const winoF = get('winograd');
  let winograd = winoF ? toInt(winoF, rep) : 0;
  if (winoF && winograd !== undefined && !WINOGRAD_VALUES.includes(winograd)) {
    rep.error(winoF.path, `expected one of ${WINOGRAD_VALUES.join(', ')}; got ${winograd}`, winoF.node.pos);
    winograd = undefined;
  }

  const quantize = bool('quantize');
  const quantizeLargeWeights = bool('quantize_large_weights');
  if (quantize && quantizeLargeWeights) {
    const f = get('quantize_large_weights')!;
    rep.error(f.path, 'cannot be enabled together with quantize', f.node.pos);
  }

  const model: ModelConfig = {
    tag,
    platform: platform ?? 'tensorflow',
    modelFilePath: modelFilePath ?? '',
    modelSha256Checksum,
    weightFilePath,
    weightSha256Checksum,
    subgraphs: parseSubgraphs(map, path, rep),
    runtime,
    dataType,
    winograd: (winograd ?? 0) as 0 | 2 | 4,
    quantize,
    quantizeRangeFile: str('quantize_range_file'),
    quantizeLargeWeights,
    changeConcatRanges: bool('change_concat_ranges'),
    obfuscate: bool('obfuscate'),
    limitOpenclKernelTime: bool('limit_opencl_kernel_time'),
    openclQueueWindowSize: int('opencl_queue_window_size', 0) ?? 0,
    nnlibGraphMode: int('nnlib_graph_mode', 0) ?? 0,
  };
  const affinity = int('cpu_affinity_policy', 0, 2);
  if (affinity !== undefined) model.cpuAffinityPolicy = affinity;
  return model;
}

/**
 * data_type: one of DATA_TYPES; `fp32` (old CPU spelling) means fp32_fp32; `uint8` (MACE's
 * value for dsp/apu/hta) is accepted for those runtimes and normalised to the runtime default.
 */
function parseDataType(f: Field | undefined, runtime: Runtime, rep: Reporter): DataType {
  if (!f) return defaultDataType(runtime);
  if (f.node.kind === 'scalar' && f.node.text.trim().toLowerCase() === 'uint8') {
    if (QUANTIZED_RUNTIMES.includes(runtime)) return defaultDataType(runtime);
    rep.error(
      f.path,
      `uint8 is only valid for the ${QUANTIZED_RUNTIMES.join(', ')} runtimes; ` +
        `expected one of ${DATA_TYPES.join(', ')}`,
      f.node.pos,
    );
    return defaultDataType(runtime);
  }
  return (
    toEnum(f, rep, DATA_TYPES, { normalize: (s) => s.toLowerCase(), aliases: { fp32: 'fp32_fp32' } }) ??
    defaultDataType(runtime)
  );
}

function parseSubgraphs(model: YMap, path: string, rep: Reporter): SubgraphConfig[] {
  const sgPath = keyPath(path, 'subgraphs');
  const e = entry(model, 'subgraphs');
  const inline = model.entries.some((x) => (SUBGRAPH_KEYS as readonly string[]).includes(x.key));
  if (!e || isNull(e.value)) {
    if (inline) return [parseSubgraph({ map: model, path }, rep)];
    rep.error(
      sgPath,
      e
        ? 'must not be empty'
        : 'missing required field (a list of subgraphs with input_tensors, input_shapes and output_tensors)',
      e ? e.keyPos : model.pos,
    );
    return [];
  }
  const parent = { map: model, path };
  const v = e.value;
  if (v.kind === 'seq') {
    if (v.items.length === 0) rep.error(sgPath, 'must contain at least one subgraph', v.pos ?? e.keyPos);
    const out: SubgraphConfig[] = [];
    v.items.forEach((item, i) => {
      if (item.kind === 'map') out.push(parseSubgraph({ map: item, path: indexPath(sgPath, i), parent }, rep));
      else
        rep.error(
          indexPath(sgPath, i),
          `expected a mapping with input_tensors, input_shapes and output_tensors, got ${describe(item)}`,
          item.pos,
        );
    });
    return out;
  }
  if (v.kind === 'map') {
    // `subgraphs: {input_tensors: ...}` is one subgraph; otherwise a mapping of named subgraphs.
    if (v.entries.some((x) => (SUBGRAPH_KEYS as readonly string[]).includes(x.key))) {
      return [parseSubgraph({ map: v, path: sgPath, parent }, rep)];
    }
    if (v.entries.length === 0) rep.error(sgPath, 'must contain at least one subgraph', v.pos ?? e.keyPos);
    const out: SubgraphConfig[] = [];
    for (const g of v.entries) {
      const gPath = keyPath(sgPath, g.key);
      if (g.value.kind === 'map') out.push(parseSubgraph({ map: g.value, path: gPath, parent, name: g.key }, rep));
      else
        rep.error(
          gPath,
          `expected a mapping with input_tensors, input_shapes and output_tensors, got ${describe(g.value)}`,
          g.value.pos ?? g.keyPos,
        );
    }
    return out;
  }
  rep.error(sgPath, `expected a list of subgraphs, got ${describe(v)}`, v.pos);
  return [];
}
