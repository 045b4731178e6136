// Test helper: enumerates ONNX backend conformance cases (TEST/model.onnx + test_data_set_0/{input,output}_N.pb)
// from the shared corpus (and the Debian libonnx-testdata copy when installed).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TensorValue } from '../../src/ir/tensor.js';
import type { OnnxModel } from '../../src/onnx/model.js';
import { decodeModel, decodeNamedTensor } from '../../src/onnx/proto.js';

export const CORPUS = new URL('../../../../../shared/corpus/', import.meta.url).pathname;
export const LIBONNX = '/usr/share/libonnx-testdata/data';

export interface Case {
  name: string;
  dir: string;
  model: OnnxModel;
  bytes: Uint8Array;
  opset: number;
  ops: string[];
  inputs: { name: string; tensor: TensorValue }[];
  outputs: { name: string; tensor: TensorValue }[];
}

function readPbs(dir: string, prefix: string): { name: string; tensor: TensorValue }[] {
  const out: { name: string; tensor: TensorValue }[] = [];
  for (let i = 0; existsSync(join(dir, `${prefix}_${i}.pb`)); i++)
    out.push(decodeNamedTensor(readFileSync(join(dir, `${prefix}_${i}.pb`))));
  return out;
}

/** Cases under root/<test>/; `filter` sees the test name before anything is read. */
export function loadCases(root: string, filter: (name: string) => boolean = () => true): Case[] {
  if (!existsSync(root)) return [];
  const cases: Case[] = [];
  for (const name of readdirSync(root).sort()) {
    if (!filter(name)) continue;
    const dir = join(root, name);
    const file = join(dir, 'model.onnx');
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    const model = decodeModel(bytes);
    const opset = Math.max(
      0,
      ...model.opsetImports.filter((o) => o.domain === '' || o.domain === 'ai.onnx').map((o) => o.version),
    );
    const data = join(dir, 'test_data_set_0');
    let inputs: Case['inputs'] = [];
    let outputs: Case['outputs'] = [];
    try {
      inputs = existsSync(data) ? readPbs(data, 'input') : [];
      outputs = existsSync(data) ? readPbs(data, 'output') : [];
    } catch {
      // Tensor files of types the converter refuses (e.g. complex, float8): keep the case without data.
    }
    cases.push({
      name,
      dir,
      model,
      bytes,
      opset,
      ops: [...new Set(model.graph.nodes.map((n) => n.opType))],
      inputs,
      outputs,
    });
  }
  return cases;
}
