// The convert task, run as a child process by the convert job (one per model):
//   node task.js <work folder>
// Reads request.json; converts the model (packages/converter); runs the original model in
// onnxruntime-node on the validation inputs (or seeded random inputs) for reference outputs;
// writes model.mace, model.data, coverage.json, ref/*.npy and result.json. A user error (the
// converter's ConversionError, bad inputs) goes to error.json with exit code 3.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { convert, convertOptionsFor, ConversionError, writeNpy } from '@mace/converter';
import * as ort from 'onnxruntime-node';
import { holdConvertTaskForTests } from '../test-hooks.js';
import {
  TASK_FILES,
  USER_ERROR_EXIT,
  TaskUserError,
  onParentExit,
  type ConvertTaskError,
  type ConvertTaskRequest,
  type ConvertTaskResult,
  type TaskTensor,
} from './task-protocol.js';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, prepareInputs, transpose4d, type NamedTensor } from './tensors.js';

function onnxruntimeVersion(): string {
  try {
    return (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(work: string): Promise<void> {
  await holdConvertTaskForTests();
  const req = JSON.parse(readFileSync(path.join(work, TASK_FILES.request), 'utf8')) as ConvertTaskRequest;
  const { model } = req;
  if (model.platform !== 'onnx')
    throw new ConversionError(`platform ${model.platform} is not supported yet; convert the model to ONNX first`);
  if (model.subgraphs.length !== 1)
    throw new ConversionError(`${model.subgraphs.length} subgraphs given; exactly one is supported`);
  const sg = model.subgraphs[0];
  const modelBytes = readFileSync(req.modelPath);
  console.log(
    `converting ${model.tag} (${modelBytes.length} bytes, ${sg.inputTensors.length} input(s), ${sg.outputTensors.length} output(s))`,
  );
  const converted = convert(modelBytes, convertOptionsFor(model));
  writeFileSync(path.join(work, TASK_FILES.graph), converted.mace);
  writeFileSync(path.join(work, TASK_FILES.data), converted.data);
  writeFileSync(path.join(work, TASK_FILES.coverage), JSON.stringify(converted.coverage, null, 2) + '\n');
  const s = converted.stats;
  console.log(
    `converted: ${s.nodesIn} → ${s.nodesOut} nodes, ${s.folded} folded, memory ${s.memory.plannedBytes} B planned (naive ${s.memory.naiveBytes} B)`,
  );

  const inputs = prepareInputs(sg, req.validationInputs, req.seed);
  console.log(
    `reference: onnxruntime-node ${onnxruntimeVersion()} on ${req.validationInputs ? 'validation_inputs_data' : `random inputs (seed ${req.seed})`}`,
  );
  // The original model takes NCHW: undo the deployment file's NHWC layout for it.
  const feeds: Record<string, ort.Tensor> = {};
  inputs.forEach((inp, i) => {
    const t =
      sg.inputDataFormats[i] === 'NHWC' && inp.shape.length === 4
        ? transpose4d(inp.data, inp.shape, NHWC_TO_NCHW)
        : inp;
    feeds[inp.name] = new ort.Tensor('float32', t.data, t.shape);
  });
  let out: ort.InferenceSession.OnnxValueMapType;
  try {
    const session = await ort.InferenceSession.create(modelBytes, { graphOptimizationLevel: 'disabled' });
    out = await session.run(feeds, sg.outputTensors);
    await session.release();
  } catch (err) {
    throw new TaskUserError(
      `onnxruntime could not run the original model for reference outputs: ${(err as Error).message}`,
    );
  }
  const outputs: NamedTensor[] = sg.outputTensors.map((name, i) => {
    const t = out[name];
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number);
    const shape = [...t.dims].map(Number);
    const laidOut =
      sg.outputDataFormats[i] === 'NHWC' && shape.length === 4
        ? transpose4d(data, shape, NCHW_TO_NHWC)
        : { data, shape };
    return { name, ...laidOut };
  });

  mkdirSync(path.join(work, 'ref'), { recursive: true });
  const save = (list: NamedTensor[], prefix: string, formats: string[]): TaskTensor[] =>
    list.map((t, i) => {
      const file = `ref/${prefix}_${i}.npy`;
      writeFileSync(path.join(work, file), writeNpy({ dtype: 'float32', dims: t.shape, data: t.data }));
      return { name: t.name, shape: t.shape, dataFormat: formats[i] ?? 'NONE', file };
    });
  const result: ConvertTaskResult = {
    stats: {
      nodesIn: s.nodesIn,
      nodesOut: s.nodesOut,
      folded: s.folded,
      plannedBytes: s.memory.plannedBytes,
      naiveBytes: s.memory.naiveBytes,
    },
    framework: { name: 'onnxruntime-node', version: onnxruntimeVersion() },
    inputs: save(inputs, 'input', sg.inputDataFormats),
    outputs: save(outputs, 'output', sg.outputDataFormats),
  };
  writeFileSync(path.join(work, TASK_FILES.result), JSON.stringify(result, null, 2) + '\n');
}

onParentExit();
const work = process.argv[2];
main(work).then(
  () => process.exit(0),
  (err: unknown) => {
    const user = err instanceof ConversionError || err instanceof TaskUserError;
    const message = err instanceof Error ? err.message : String(err);
    const report: ConvertTaskError = { user, message };
    try {
      writeFileSync(path.join(work, TASK_FILES.error), JSON.stringify(report) + '\n');
    } catch {
      // the work folder is gone: the exit code still tells
    }
    if (!user) console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(user ? USER_ERROR_EXIT : 1);
  },
);
