// Normalises one subgraph (inputs, outputs, shapes, ranges, formats, validation settings),
// including the per-tensor count checks and broadcasting of single values.

import { toEnum, toNumber, toRangeList, toShapeList, toStr, toStrList, items, type Field } from './coerce.js';
import type { Reporter } from './errors.js';
import { warnUnknownKeys } from './keys.js';
import { entry, isNull, keyPath, type YMap } from './tree.js';
import {
  DATA_FORMATS,
  DEFAULTS,
  IO_DATA_TYPES,
  type DataFormat,
  type SubgraphConfig,
  type ValidationThreshold,
} from './types.js';

/**
 * Where a subgraph's keys are looked up: its own mapping first, then (for defaults shared by
 * all subgraphs) the model's mapping. In the older single-subgraph form the scope is the model itself,
 * with no parent.
 */
export interface Scope {
  map: YMap;
  path: string;
  parent?: { map: YMap; path: string };
  name?: string;
}

function lookup(scope: Scope, key: string): Field | undefined {
  for (const s of [scope, scope.parent]) {
    if (!s) continue;
    const e = entry(s.map, key);
    if (e && !isNull(e.value)) return { node: e.value, path: keyPath(s.path, key) };
  }
  return undefined;
}

function required(scope: Scope, key: string, rep: Reporter): Field | undefined {
  const f = lookup(scope, key);
  if (f) return f;
  for (const s of [scope, scope.parent]) {
    const e = s && entry(s.map, key);
    if (s && e) {
      rep.error(keyPath(s.path, key), 'must not be empty', e.keyPos);
      return undefined;
    }
  }
  rep.error(keyPath(scope.path, key), 'missing required field', scope.map.pos);
  return undefined;
}

function tensorList(scope: Scope, key: string, rep: Reporter): string[] | undefined {
  const f = required(scope, key, rep);
  if (!f) return undefined;
  const list = toStrList(f, rep);
  if (list && list.length === 0) {
    rep.error(f.path, 'must list at least one tensor', f.node.pos);
    return undefined;
  }
  return list;
}

/** Values given once apply to every tensor; otherwise there must be one per tensor. */
function perTensor<T>(
  values: T[] | undefined,
  f: Field,
  count: number | undefined,
  what: string,
  rep: Reporter,
): T[] | undefined {
  if (!values || count === undefined || values.length === count) return values;
  if (values.length === 1) return Array.from({ length: count }, () => values[0]!);
  rep.error(f.path, `expected 1 or ${count} entries (one per ${what} tensor), got ${values.length}`, f.node.pos);
  return undefined;
}

function exactCount<T>(
  values: T[] | undefined,
  f: Field,
  count: number | undefined,
  what: string,
  rep: Reporter,
): T[] | undefined {
  if (!values || count === undefined || values.length === count) return values;
  rep.error(f.path, `expected ${count} ${what}, got ${values.length}`, f.node.pos);
  return undefined;
}

function enumList<T extends string>(
  f: Field,
  rep: Reporter,
  allowed: readonly T[],
  normalize: (s: string) => string,
): T[] | undefined {
  if (f.node.kind === 'map') {
    rep.error(f.path, `expected one of ${allowed.join(', ')} or a list of them`, f.node.pos);
    return undefined;
  }
  const out: T[] = [];
  let ok = true;
  for (const it of items(f)) {
    const v = toEnum(it, rep, allowed, { normalize });
    if (v === undefined) ok = false;
    else out.push(v);
  }
  return ok ? out : undefined;
}

const THRESHOLD_KEYS: Record<string, keyof ValidationThreshold> = {
  cpu: 'cpu',
  gpu: 'gpu',
  quantize: 'quantize',
  dsp: 'quantize',
  hexagon: 'quantize',
  hta: 'quantize',
  apu: 'quantize',
  htp: 'quantize',
};

/** `validation_threshold: {CPU: 0.999, GPU: 0.995, DSP: 0.98}`: model level, then subgraph level. */
function validationThreshold(scope: Scope, rep: Reporter): ValidationThreshold {
  const out: ValidationThreshold = { ...DEFAULTS.validationThreshold };
  for (const s of [scope.parent, scope]) {
    if (!s) continue;
    const e = entry(s.map, 'validation_threshold');
    if (!e || isNull(e.value)) continue;
    const path = keyPath(s.path, 'validation_threshold');
    if (e.value.kind !== 'map') {
      rep.error(path, 'expected a mapping such as {CPU: 0.999, GPU: 0.995}', e.value.pos);
      continue;
    }
    for (const t of e.value.entries) {
      const f: Field = { node: t.value, path: keyPath(path, t.key) };
      const slot = THRESHOLD_KEYS[t.key.toLowerCase()];
      if (!slot) {
        rep.error(
          f.path,
          `unknown runtime "${t.key}"; expected one of CPU, GPU, DSP, HEXAGON, HTA, APU, QUANTIZE`,
          t.keyPos,
        );
        continue;
      }
      const v = toNumber(f, rep);
      if (v === undefined) continue;
      if (v <= 0 || v > 1) rep.error(f.path, `must be greater than 0 and at most 1, got ${v}`, t.value.pos);
      else out[slot] = v;
    }
  }
  return out;
}

export function parseSubgraph(scope: Scope, rep: Reporter): SubgraphConfig {
  if (scope.parent) warnUnknownKeys(scope.map, scope.path, 'subgraph', rep);
  const upper = (s: string): string => s.toUpperCase();
  const lower = (s: string): string => s.toLowerCase();

  const inputTensors = tensorList(scope, 'input_tensors', rep);
  const nIn = inputTensors?.length;
  const outputTensors = tensorList(scope, 'output_tensors', rep);
  const nOut = outputTensors?.length;

  const shapesField = required(scope, 'input_shapes', rep);
  const inputShapes =
    shapesField &&
    exactCount(toShapeList(shapesField, rep, nIn ?? 0), shapesField, nIn, 'shapes (one per input tensor)', rep);

  const rangesField = lookup(scope, 'input_ranges');
  const inputRanges = rangesField
    ? perTensor(toRangeList(rangesField, rep), rangesField, nIn, 'input', rep)
    : Array.from({ length: nIn ?? 0 }, () => [...DEFAULTS.inputRange] as [number, number]);

  const fmt = (key: string, count: number | undefined, what: string): DataFormat[] | undefined => {
    const f = lookup(scope, key);
    if (!f) return Array.from({ length: count ?? 0 }, () => DEFAULTS.dataFormat);
    return perTensor(enumList(f, rep, DATA_FORMATS, upper), f, count, what, rep);
  };
  const types = (key: string, count: number | undefined, what: string): string[] | undefined => {
    const f = lookup(scope, key);
    if (!f) return Array.from({ length: count ?? 0 }, () => DEFAULTS.ioDataType);
    return perTensor(enumList(f, rep, IO_DATA_TYPES, lower), f, count, what, rep);
  };

  const outShapesField = lookup(scope, 'output_shapes');
  const outputShapes = outShapesField
    ? exactCount(
        toShapeList(outShapesField, rep, nOut ?? 0),
        outShapesField,
        nOut,
        'shapes (one per output tensor)',
        rep,
      )
    : null;

  const vidField = lookup(scope, 'validation_inputs_data');
  const validationInputsData = vidField
    ? exactCount(toStrList(vidField, rep), vidField, nIn, 'files (one per input tensor)', rep)
    : [];

  const checkT = lookup(scope, 'check_tensors');
  const checkS = lookup(scope, 'check_shapes');
  let checkTensors: string[] | undefined = [];
  let checkShapes: number[][] | undefined = [];
  if (checkT || checkS) {
    const tf = checkT ?? required(scope, 'check_tensors', rep);
    checkTensors = tf && toStrList(tf, rep);
    const sf = checkS ?? required(scope, 'check_shapes', rep);
    checkShapes =
      sf &&
      exactCount(
        toShapeList(sf, rep, checkTensors?.length ?? 0),
        sf,
        checkTensors?.length,
        'shapes (one per check tensor)',
        rep,
      );
  }

  const backendField = lookup(scope, 'backend');
  const sg: SubgraphConfig = {
    inputTensors: inputTensors ?? [],
    inputShapes: inputShapes ?? [],
    inputRanges: inputRanges ?? [],
    inputDataFormats: fmt('input_data_formats', nIn, 'input') ?? [],
    inputDataTypes: types('input_data_types', nIn, 'input') ?? [],
    outputTensors: outputTensors ?? [],
    outputShapes: outputShapes ?? null,
    outputDataFormats: fmt('output_data_formats', nOut, 'output') ?? [],
    outputDataTypes: types('output_data_types', nOut, 'output') ?? [],
    validationInputsData: validationInputsData ?? [],
    checkTensors: checkTensors ?? [],
    checkShapes: checkShapes ?? [],
    validationThreshold: validationThreshold(scope, rep),
    backend: backendField ? (toStr(backendField, rep) ?? null) : null,
  };
  if (scope.name !== undefined) sg.name = scope.name;
  return sg;
}
