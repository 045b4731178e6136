// Conformance runner: ONNX backend test folders (model.onnx + test_data_set_*/{input,output}_*.pb)
// through converter + host runtime, compared with the stored outputs at ONNX's tolerances.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  convert,
  ConversionError,
  decodeModel,
  decodeNamedTensor,
  readNpy,
  writeNpy,
  type TensorValue,
} from '@mace/converter';
import { ensureNativeTools } from './native.js';
import { tensorFileName } from './commands/run.js';
import { formatTable } from './table.js';

export type TestStatus = 'passed' | 'failed' | 'unsupported';

export interface TestResult {
  name: string;
  status: TestStatus;
  maxError: number | null;
  reason: string | null;
  /** All op types in the engine's list and all tensors float32 (int64/int32 for shapes). */
  eligible: boolean;
}

export interface ConformanceSummary {
  total: number;
  passed: number;
  failed: number;
  unsupported: number;
  eligible: number;
  eligibleAccepted: number;
  tests: TestResult[];
}

const RTOL = 1e-3;
const ATOL = 1e-7;
/** Documented relaxations: op → [rtol, atol, why]. */
const RELAXED: Record<string, [number, number, string]> = {};

const ELIGIBLE_DTYPES = new Set(['float32', 'int64', 'int32']);
/** The op list of the engine's first release (issue 2); "eligible" tests use only these. */
const LISTED_OPS = new Set(
  (
    'Conv ConvTranspose MaxPool AveragePool GlobalAveragePool GlobalMaxPool BatchNormalization InstanceNormalization ' +
    'LayerNormalization LRN Relu Clip LeakyRelu PRelu Sigmoid Tanh HardSigmoid HardSwish Elu Selu Softplus Erf Add Sub ' +
    'Mul Div Pow Min Max Sqrt Abs Neg Exp Log Reciprocal Gemm MatMul Softmax LogSoftmax Concat Split Slice Gather ' +
    'Reshape Flatten Squeeze Unsqueeze Transpose Expand Tile Pad Shape Cast ReduceMean ReduceSum ReduceMax ReduceMin ' +
    'Resize Upsample DepthToSpace SpaceToDepth ArgMax LSTM GRU'
  ).split(' '),
);

/** Lists test folders: a folder holding model.onnx, or the sub-folders that do. */
export function findTests(dirs: string[]): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    if (existsSync(join(d, 'model.onnx'))) out.push(d);
    else if (existsSync(d) && statSync(d).isDirectory())
      for (const e of readdirSync(d).sort()) if (existsSync(join(d, e, 'model.onnx'))) out.push(join(d, e));
  }
  return out;
}

function toNumbers(t: TensorValue): Float64Array {
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i] as number | bigint);
  return out;
}

/** Max error and whether every element is within tolerance (NaN matches NaN, ±inf must be equal). */
export function compareOutputs(
  actual: TensorValue,
  expected: TensorValue,
  rtol: number,
  atol: number,
): { ok: boolean; maxError: number; why?: string } {
  if (actual.data.length !== expected.data.length || actual.dims.join() !== expected.dims.join())
    return { ok: false, maxError: Infinity, why: `shape [${actual.dims}] differs from expected [${expected.dims}]` };
  const a = toNumbers(actual),
    e = toNumbers(expected);
  let maxError = 0,
    ok = true;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(e[i]) && Number.isNaN(a[i])) continue;
    if (!Number.isFinite(e[i]) && a[i] === e[i]) continue;
    const err = Math.abs(a[i] - e[i]);
    if (!(err <= atol + rtol * Math.abs(e[i]))) ok = false;
    if (!(err <= maxError)) maxError = err;
  }
  return { ok, maxError };
}

export function runConformanceTest(dir: string, maceRun: string): TestResult {
  const name = basename(dir);
  const bytes = readFileSync(join(dir, 'model.onnx'));
  let eligible = false;
  let graphInputs: string[] = [];
  let graphOutputs: string[] = [];
  let opTypes: string[] = [];
  try {
    const m = decodeModel(bytes);
    const inits = new Set(m.graph.initializers.map((i) => i.name));
    graphInputs = m.graph.inputs.map((i) => i.name).filter((n) => !inits.has(n));
    graphOutputs = m.graph.outputs.map((o) => o.name);
    opTypes = m.graph.nodes.map((n) => n.opType);
    const dtypesOk =
      [...m.graph.inputs, ...m.graph.outputs].every((v) => {
        const dt = typeNameOf(v.type.elemType);
        return dt !== null && ELIGIBLE_DTYPES.has(dt);
      }) && m.graph.initializers.every((i) => ELIGIBLE_DTYPES.has(i.tensor.dtype));
    eligible =
      dtypesOk && m.graph.nodes.every((n) => (n.domain === '' || n.domain === 'ai.onnx') && LISTED_OPS.has(n.opType));
  } catch (err) {
    return { name, status: 'unsupported', maxError: null, reason: (err as Error).message, eligible: false };
  }
  const sets = readdirSync(dir)
    .filter((e) => e.startsWith('test_data_set_'))
    .sort();
  if (sets.length === 0)
    return { name, status: 'unsupported', maxError: null, reason: 'no test_data_set_* folder', eligible };
  const work = mkdtempSync(join(tmpdir(), 'mace-conf-'));
  try {
    let maxError = 0;
    for (const set of sets) {
      const readSet = (prefix: string) =>
        readdirSync(join(dir, set))
          .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
          .sort((x, y) => Number(x.slice(prefix.length, -3)) - Number(y.slice(prefix.length, -3)))
          .map((f) => decodeNamedTensor(readFileSync(join(dir, set, f))).tensor);
      let inputs: TensorValue[], expected: TensorValue[];
      try {
        inputs = readSet('input_');
        expected = readSet('output_');
      } catch (err) {
        if (err instanceof ConversionError)
          return { name, status: 'unsupported', maxError: null, reason: `test data: ${err.message}`, eligible };
        throw err;
      }
      if (inputs.length !== graphInputs.length)
        return {
          name,
          status: 'unsupported',
          maxError: null,
          reason: `${inputs.length} input files for ${graphInputs.length} model inputs (optional inputs omitted)`,
          eligible,
        };
      let converted;
      try {
        converted = convert(bytes, {
          platform: 'onnx',
          inputs: graphInputs.map((n, i) => ({ name: n, shape: inputs[i].dims, format: 'NONE' as const })),
        });
      } catch (err) {
        if (err instanceof ConversionError)
          return { name, status: 'unsupported', maxError: null, reason: err.message, eligible };
        return {
          name,
          status: 'failed',
          maxError: null,
          reason: `converter crashed: ${(err as Error).stack}`,
          eligible,
        };
      }
      writeFileSync(join(work, 'm.mace'), converted.mace);
      writeFileSync(join(work, 'm.data'), converted.data);
      const files = inputs.map((t, i) => {
        const f = join(work, `in${i}.npy`);
        writeFileSync(f, writeNpy(t));
        return f;
      });
      const outDir = join(work, `out_${set}`);
      const r = spawnSync(
        maceRun,
        [
          `--model_file=${join(work, 'm.mace')}`,
          `--model_data_file=${join(work, 'm.data')}`,
          `--input_node=${graphInputs.join(',')}`,
          `--output_node=${graphOutputs.join(',')}`,
          ...(files.length ? [`--input_file=${files.join(',')}`] : []),
          `--output_dir=${outDir}`,
          '--omp_num_threads=1',
        ],
        { encoding: 'utf8', timeout: 120_000 },
      );
      if (r.status !== 0)
        return {
          name,
          status: 'failed',
          maxError: null,
          reason: `runtime: ${(r.stderr || r.stdout || String(r.signal)).trim().split('\n').pop()}`,
          eligible,
        };
      const [rtol, atol] = relaxedTolerance(opTypes);
      for (let k = 0; k < graphOutputs.length; k++) {
        const actual = readNpy(readFileSync(join(outDir, `${tensorFileName(graphOutputs[k])}.npy`)));
        const c = compareOutputs(actual, expected[k], rtol, atol);
        if (c.maxError > maxError) maxError = c.maxError;
        if (!c.ok)
          return {
            name,
            status: 'failed',
            maxError: c.maxError,
            reason: c.why ?? `output '${graphOutputs[k]}' max error ${c.maxError.toExponential(3)}`,
            eligible,
          };
      }
    }
    return { name, status: 'passed', maxError, reason: null, eligible };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function relaxedTolerance(opTypes: string[]): [number, number] {
  let rtol = RTOL,
    atol = ATOL;
  for (const op of opTypes) {
    const r = RELAXED[op];
    if (r) [rtol, atol] = [Math.max(rtol, r[0]), Math.max(atol, r[1])];
  }
  return [rtol, atol];
}

function typeNameOf(code: number): string | null {
  return ({ 1: 'float32', 6: 'int32', 7: 'int64' } as Record<number, string>)[code] ?? null;
}

export function runConformance(
  dirs: string[],
  onResult?: (r: TestResult, i: number, n: number) => void,
): ConformanceSummary {
  const tools = ensureNativeTools();
  const tests = findTests(dirs);
  const results: TestResult[] = [];
  tests.forEach((t, i) => {
    const r = runConformanceTest(t, tools.maceRun);
    results.push(r);
    onResult?.(r, i, tests.length);
  });
  const count = (s: TestStatus) => results.filter((r) => r.status === s).length;
  const eligible = results.filter((r) => r.eligible);
  return {
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    unsupported: count('unsupported'),
    eligible: eligible.length,
    eligibleAccepted: eligible.filter((r) => r.status !== 'unsupported').length,
    tests: results,
  };
}

export async function conformanceMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'string' }, help: { type: 'boolean', short: 'h' }, quiet: { type: 'boolean' } },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(
      'Usage: npm run conformance -- DIR... [--json FILE] [--quiet]\n\nRuns ONNX backend test folders through the converter and the host runtime and compares with the stored outputs (rtol 1e-3, atol 1e-7).\n',
    );
    return values.help ? 0 : 2;
  }
  const summary = runConformance(positionals, (r, i, n) => {
    if (process.stderr.isTTY) process.stderr.write(`\r[${i + 1}/${n}] ${r.name.slice(0, 60).padEnd(60)}`);
    if (!values.quiet && r.status === 'failed') process.stdout.write(`\nFAIL ${r.name}: ${r.reason}\n`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) + '%' : 'n/a');
  const accepted = summary.passed + summary.failed;
  process.stdout.write(
    formatTable(
      ['', 'count', 'share'],
      [
        ['tests', String(summary.total), ''],
        ['passed', String(summary.passed), `${pct(summary.passed, accepted)} of accepted`],
        ['failed', String(summary.failed), `${pct(summary.failed, accepted)} of accepted`],
        ['unsupported', String(summary.unsupported), `${pct(summary.unsupported, summary.total)} of all`],
        ['eligible (listed ops, float32)', String(summary.eligible), ''],
        [
          'eligible accepted',
          String(summary.eligibleAccepted),
          `${pct(summary.eligibleAccepted, summary.eligible)} of eligible`,
        ],
      ],
    ),
  );
  if (values.json) {
    const { total, passed, failed, unsupported, tests } = summary;
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          total,
          passed,
          failed,
          unsupported,
          eligible: summary.eligible,
          eligibleAccepted: summary.eligibleAccepted,
          tests: tests.map(({ name, status, maxError, reason }) => ({ name, status, maxError, reason })),
        },
        null,
        2,
      ) + '\n',
    );
  }
  return summary.failed === 0 ? 0 : 1;
}
