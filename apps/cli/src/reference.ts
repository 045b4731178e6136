// The original framework as the reference: runs the source ONNX model in onnxruntime-node.
import * as ort from 'onnxruntime-node';
import type { NamedInput } from './tensors.js';

export async function runOnnxReference(
  modelBytes: Uint8Array,
  inputs: NamedInput[],
  outputNames: string[],
): Promise<Map<string, { data: Float32Array; shape: number[] }>> {
  const session = await ort.InferenceSession.create(modelBytes, { graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, ort.Tensor> = {};
  for (const i of inputs) feeds[i.name] = new ort.Tensor('float32', i.data, i.shape);
  const out = await session.run(feeds, outputNames);
  const result = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const name of outputNames) {
    const t = out[name];
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number);
    result.set(name, { data, shape: [...t.dims] });
  }
  await session.release();
  return result;
}
