#!/usr/bin/env node
// Speed benchmark of the corpus models: our engine against onnxruntime-node, side by side, on this
// host. See bench/README.md for what each column means.
//
//   node bench/models.mjs [--threads 1,2] [--rounds 50] [--models a,b] [--json FILE]
//                         [--name models] [--block 10] [--warmup 2]
//
// `npm run bench:cpu` is this script on the CPU acceptance models, written to
// bench/results/cpu-<date>.json (issue 7). Every invocation first measures the CPU's FMA peak
// (bench/fma_peak.cc, built with the host compiler) so that GFLOP/s can be given as % of peak.
//
// For each model and thread count T the two engines take turns in blocks of --block timed runs
// (ours, onnxruntime, onnxruntime, ours, … so neither always goes first), each block after
// --warmup untimed runs, until both have --rounds timed runs; the samples of all blocks are merged
// before taking median and p90. A model that fails to convert or run becomes an error row.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const DEPLOY_DIR = join(root, 'test/fixtures/deploy');
const DEFAULT_MODELS = [
  'mobilenet_v2',
  'squeezenet1_1',
  'mobilenet_v3_small',
  'gru_lstm',
  'tiny_transformer',
  'ppocr_cls',
];
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
// The onnxruntime worker counts as idle once its threads ran < 10% of a core over a 5 ms step.
const QUIESCE_STEP_MS = 5;
const QUIESCE_BUSY_NS = 0.5e6;
const QUIESCE_MAX_MS = 1000;
// Op types that do multiply-accumulates: when one of them reports 0 MACs, the engine does not count
// them yet and GFLOP/s is an underestimate (flagged with * in the table).
const MAC_OP_TYPES = new Set([
  'Conv',
  'Conv2D',
  'ConvTranspose',
  'Deconv2D',
  'DepthwiseConv2d',
  'DepthwiseDeconv2d',
  'MatMul',
  'BatchMatMul',
  'Gemm',
  'FullyConnected',
  'GRU',
  'LSTM',
  'RNN',
  'Attention',
  'MultiHeadAttention',
  'Einsum',
]);

// ---------------------------------------------------------------- options

function usage(msg) {
  if (msg) process.stderr.write(`bench/models.mjs: ${msg}\n`);
  process.stderr.write(
    'usage: node bench/models.mjs [--threads 1,2] [--rounds 50] [--models a,b|F.yml] [--json FILE] [--name models] [--block 10] [--warmup 2]\n',
  );
  process.exit(2);
}

function positiveInt(name, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} expects a positive integer, got '${v}'`);
  return n;
}

function localDate(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

let opts;
try {
  opts = parseArgs({
    options: {
      threads: { type: 'string', default: '1,2' },
      rounds: { type: 'string', default: '50' },
      models: { type: 'string', default: DEFAULT_MODELS.join(',') },
      json: { type: 'string' },
      name: { type: 'string', default: 'models' },
      block: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  usage(err.message);
}
if (opts.help) usage();
const THREADS = opts.threads
  .split(',')
  .filter(Boolean)
  .map((t) => positiveInt('threads', t));
const ROUNDS = positiveInt('rounds', opts.rounds);
const BLOCK = positiveInt('block', opts.block);
const WARMUP = Number(opts.warmup);
if (!Number.isInteger(WARMUP) || WARMUP < 0) usage(`--warmup expects an integer >= 0, got '${opts.warmup}'`);
const MODELS = opts.models
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);
if (!/^[\w.-]+$/.test(opts.name)) usage(`--name expects a file-name word, got '${opts.name}'`);
const JSON_FILE = resolve(root, opts.json ?? `bench/results/${opts.name}-${localDate()}.json`);

// ---------------------------------------------------------------- helpers

const log = (s) => process.stderr.write(s + '\n');

/** Nearest-rank percentile, as benchmark_model computes it (native/tools/common/benchmark_report.cc). */
function percentile(values, p) {
  if (!values.length) return NaN;
  const v = [...values].sort((a, b) => a - b);
  const rank = Math.min(v.length, Math.max(1, Math.ceil((p * v.length) / 100 - 1e-9)));
  return v[rank - 1];
}

function stats(ms) {
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return {
    count: ms.length,
    median_ms: percentile(ms, 50),
    p90_ms: percentile(ms, 90),
    min_ms: Math.min(...ms),
    max_ms: Math.max(...ms),
    mean_ms: mean,
    std_ms: Math.sqrt(ms.reduce((a, t) => a + (t - mean) ** 2, 0) / ms.length),
  };
}

/** The last meaningful line of a child's output, for an error row. */
function lastLine(...texts) {
  const lines = texts
    .join('\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '';
}

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    throw new Error(`${what} failed (${why}): ${lastLine(r.stderr, r.stdout)}`);
  }
  return r;
}

function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: keep os.cpus()'s name
  }
  const git = (...a) => spawnSync('git', a, { cwd: root, encoding: 'utf8' }).stdout?.trim() || null;
  let ortVersion = null;
  try {
    ortVersion = JSON.parse(readFileSync(join(root, 'node_modules/onnxruntime-node/package.json'), 'utf8')).version;
  } catch {
    // version unknown
  }
  return {
    cpu_model: cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memory_mib: Math.round(os.totalmem() / 1048576),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntime_node: ortVersion,
    date: new Date().toISOString(),
    git_commit: git('rev-parse', 'HEAD'),
    git_dirty: Boolean(git('status', '--porcelain', '--untracked-files=no')),
    loadavg_start: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

// ---------------------------------------------------------------- FMA peak

/**
 * Builds and runs bench/fma_peak.cc: the GFLOP/s of independent FMA chains per instruction set
 * (AVX-512, AVX2) for 1..maxThreads threads. `per_core` is the best 1-thread number; the % of
 * peak of a T-thread row divides by T x per_core (the measured T-thread peak is recorded too,
 * but on a shared machine it measures the other processes as much as the CPU).
 */
function measurePeak(work, maxThreads) {
  const source = join(here, 'fma_peak.cc');
  const exe = join(work, 'fma_peak');
  const cxx = process.env.CXX || 'c++';
  const flags = ['-O2', '-march=native', '-pthread'];
  run(cxx, [...flags, source, '-o', exe], 'building bench/fma_peak.cc');
  const gflops = JSON.parse(run(exe, [String(maxThreads)], 'fma_peak').stdout);
  const best = (t) => Math.max(0, ...Object.values(gflops).map((byThreads) => byThreads[t] ?? 0));
  const perCore = best(1);
  if (!(perCore > 0)) throw new Error('fma_peak: no FMA instruction set measured (needs AVX2+FMA or AVX-512)');
  const measured = {};
  for (let t = 1; t <= maxThreads; t++) measured[t] = best(t);
  return { compiler: `${cxx} ${flags.join(' ')}`, gflops, per_core_gflops: perCore, measured_gflops: measured };
}

// ---------------------------------------------------------------- onnxruntime worker

/** A persistent onnxruntime-node child (bench/ort-worker.mjs) that answers JSON lines. */
class OrtWorker {
  constructor(specFile) {
    this.child = spawn(process.execPath, [join(here, 'ort-worker.mjs'), specFile], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.queue = [];
    this.waiters = [];
    this.stderr = '';
    this.exited = null;
    this.child.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        return; // stray output from the runtime
      }
      const w = this.waiters.shift();
      if (w) w.resolve(msg);
      else this.queue.push(msg);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = signal ?? code;
      for (const w of this.waiters.splice(0)) w.reject(this.#died());
    });
    this.child.stdin.on('error', () => {}); // EPIPE after the child died: reported through next()
  }

  #died() {
    return new Error(`onnxruntime worker exited (${this.exited})${this.stderr ? ': ' + lastLine(this.stderr) : ''}`);
  }

  /** The next message, which must be of the given type. */
  async next(type, timeoutMs = CHILD_TIMEOUT_MS) {
    let msg = this.queue.shift();
    if (!msg) {
      if (this.exited !== null) throw this.#died();
      msg = await new Promise((resolve, reject) => {
        const w = { resolve, reject };
        const timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          reject(new Error(`onnxruntime worker: no answer in ${timeoutMs / 1000} s`));
        }, timeoutMs);
        w.resolve = (m) => (clearTimeout(timer), resolve(m));
        w.reject = (e) => (clearTimeout(timer), reject(e));
        this.waiters.push(w);
      });
    }
    if (msg.type === 'error') throw new Error(`onnxruntime: ${msg.message}`);
    if (msg.type !== type) throw new Error(`onnxruntime worker: expected '${type}', got '${msg.type}'`);
    return msg;
  }

  send(line) {
    this.child.stdin.write(line + '\n');
  }

  /** CPU time (ns) the worker's threads have run so far (/proc/PID/task/TID/schedstat). */
  #cpuNs() {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${this.child.pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${this.child.pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return ns;
  }

  /**
   * Waits until the worker is idle: onnxruntime's pool threads spin for tens of milliseconds
   * after a run (allow_spinning, its default), and a mace_run block started meanwhile would
   * share its cores with them. Returns the ms waited (at most QUIESCE_MAX_MS).
   */
  async quiesce() {
    const t0 = performance.now();
    for (let before = this.#cpuNs(); performance.now() - t0 < QUIESCE_MAX_MS;) {
      await new Promise((r) => setTimeout(r, QUIESCE_STEP_MS));
      const now = this.#cpuNs();
      if (now - before < QUIESCE_BUSY_NS) break;
      before = now;
    }
    return performance.now() - t0;
  }

  kill() {
    if (this.exited === null) this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------- one model

/** Converts the models of one deployment file and prepares inputs for both engines. */
async function prepare(configPath, work, cli) {
  run(
    process.execPath,
    [join(root, 'apps/cli/bin/mace.js'), 'convert', '--config', configPath, '--out', 'builds'],
    'conversion',
  );
  const dep = await cli.loadDeployment(configPath);
  const prepared = [];
  for (const model of dep.config.models) {
    const sg = model.subgraphs[0];
    const dir = join(work, model.tag);
    mkdirSync(dir, { recursive: true });
    const mace = join(root, 'builds', dep.config.libraryName, 'model', model.tag);
    const inputs = cli.prepareInputs(dep, sg);
    const npyFiles = [];
    const ortInputs = [];
    inputs.forEach((inp, i) => {
      const npy = join(dir, `input_${i}.npy`);
      writeFileSync(npy, cli.writeNpy({ dtype: 'float32', dims: inp.shape, data: inp.data }));
      npyFiles.push(npy);
      // The ONNX model takes NCHW: undo the deployment file's NHWC layout for it (as `mace run` does).
      const ref =
        sg.inputDataFormats[i] === 'NHWC' && inp.shape.length === 4
          ? cli.transpose4d(inp.data, inp.shape, cli.NHWC_TO_NCHW)
          : inp;
      const raw = join(dir, `input_${i}.f32`);
      writeFileSync(raw, Buffer.from(ref.data.buffer, ref.data.byteOffset, ref.data.byteLength));
      ortInputs.push({ name: inp.name, shape: ref.shape, file: raw });
    });
    // The original model for onnxruntime, checksum-verified like the converter's input.
    const bytes = await cli.fetchChecked(
      dep,
      model.modelFilePath,
      model.modelSha256Checksum,
      `model file of ${model.tag}`,
    );
    const onnx = join(dir, 'model.onnx');
    writeFileSync(onnx, bytes);
    prepared.push({
      tag: model.tag,
      maceArgs: [
        `--model_file=${mace}.mace`,
        `--model_data_file=${mace}.data`,
        `--input_node=${sg.inputTensors.join(',')}`,
        `--output_node=${sg.outputTensors.join(',')}`,
        `--input_file=${npyFiles.join(',')}`,
      ],
      ortSpec: { model: onnx, inputs: ortInputs, outputs: sg.outputTensors },
      dir,
    });
  }
  return prepared;
}

/**
 * The TOP_OPS ops with the most MACs in benchmark_model's per-op profile, with their speed and
 * % of peak: where the kernels stand against the goal for the large convolutions.
 */
const TOP_OPS = 5;
// Runs of onnxruntime with its profiler on, for the time-by-op-type table.
const PROFILE_RUNS = 20;
function topOps(ops, threads, peak) {
  return (ops ?? [])
    .filter((o) => o.macs > 0 && o.avg_ms > 0)
    .sort((a, b) => b.macs - a.macs)
    .slice(0, TOP_OPS)
    .map((o) => {
      const gflops = (2 * o.macs) / (o.avg_ms * 1e6);
      return {
        name: o.name,
        type: o.type,
        output_shape: o.output_shape,
        macs: o.macs,
        avg_ms: o.avg_ms,
        gflops,
        pct_peak: peak ? (100 * gflops) / (threads * peak.per_core_gflops) : null,
      };
    });
}

/** Both engines on one model with T threads, alternating blocks; returns a result row. */
async function measure(p, threads, tools, peak) {
  const row = { model: p.tag, threads, status: 'ok' };
  const specFile = join(p.dir, `ort-${threads}.json`);
  writeFileSync(specFile, JSON.stringify({ ...p.ortSpec, threads }));
  const worker = new OrtWorker(specFile);
  try {
    const baseline = await worker.next('baseline', 60_000);
    const ready = await worker.next('ready');

    // Profile: one benchmark_model invocation gives MACs, per-op statistics and our peak RSS.
    const profJson = join(p.dir, `benchmark-${threads}.json`);
    run(
      tools.benchmarkModel,
      [
        ...p.maceArgs,
        `--round=${Math.min(ROUNDS, 10)}`,
        `--warmup_runs=${Math.max(1, WARMUP)}`,
        `--omp_num_threads=${threads}`,
        `--json=${profJson}`,
      ],
      'benchmark_model',
    );
    const prof = JSON.parse(readFileSync(profJson, 'utf8'));

    // Timed blocks: mace_run gives every run's time (benchmark_model reports only a summary, and
    // doubles each invocation with per-op statistics runs); both time the same engine->Run call.
    const ours = [];
    const ort = [];
    const idleWaits = [];
    // Each block pair (ours and onnxruntime, back to back) gives one ratio of block medians. A
    // shared host drifts between fast and slow phases lasting 0.2-2 s; a pair sees one phase, so
    // the median of the pair ratios is steadier than the ratio of the pooled medians.
    const pairRatios = [];
    let oursRunRss = 0;
    const runJson = join(p.dir, `run-${threads}.json`);
    const oursBlock = (k) => {
      run(
        tools.maceRun,
        [...p.maceArgs, `--round=${WARMUP + k}`, `--omp_num_threads=${threads}`, `--json=${runJson}`],
        'mace_run',
      );
      const r = JSON.parse(readFileSync(runJson, 'utf8'));
      ours.push(...r.run_ms.slice(WARMUP));
      oursRunRss = Math.max(oursRunRss, r.peak_rss_kb);
    };
    const ortBlock = async (k) => {
      worker.send(`run ${WARMUP} ${k}`);
      ort.push(...(await worker.next('times')).ms);
    };
    for (let b = 0; ours.length < ROUNDS; b++) {
      const k = Math.min(BLOCK, ROUNDS - ours.length);
      if (b % 2 === 0) {
        idleWaits.push(await worker.quiesce());
        oursBlock(k);
        await ortBlock(k);
      } else {
        await ortBlock(k);
        idleWaits.push(await worker.quiesce());
        oursBlock(k);
      }
      pairRatios.push(percentile(ours.slice(-k), 50) / percentile(ort.slice(-k), 50));
    }
    worker.send('rss');
    const rss = await worker.next('rss', 60_000);
    // Where the time goes, per op type, in both engines (profiled runs, not the timed ones;
    // after the RSS reading, as the profiling session takes memory of its own).
    worker.send(`profile ${PROFILE_RUNS}`);
    const ortProfile = await worker.next('profile');
    worker.send('quit');

    const macs = Number(prof.macs) || 0;
    const uncounted = (prof.by_type ?? []).filter((t) => MAC_OP_TYPES.has(t.type) && !(t.macs > 0)).map((t) => t.type);
    const so = stats(ours);
    const sr = stats(ort);
    const gflops = (ms) => (macs > 0 && ms > 0 ? (2 * macs) / (ms * 1e6) : null);
    Object.assign(row, {
      ours: { ...so, samples_ms: ours.map((x) => +x.toFixed(4)) },
      ort: { ...sr, samples_ms: ort.map((x) => +x.toFixed(4)) },
      ratio_median: so.median_ms / sr.median_ms,
      ratio_paired: percentile(pairRatios, 50),
      ratio_paired_iqr: [percentile(pairRatios, 25), percentile(pairRatios, 75)],
      pair_ratios: pairRatios.map((x) => +x.toFixed(4)),
      ort_idle_wait_ms: { max: Math.max(...idleWaits), blocks: idleWaits.length },
      macs,
      macs_uncounted_types: uncounted,
      gflops_ours: gflops(so.median_ms),
      gflops_ort: gflops(sr.median_ms),
      peak_gflops: peak ? threads * peak.per_core_gflops : null,
      pct_peak_ours:
        peak && gflops(so.median_ms) ? (100 * gflops(so.median_ms)) / (threads * peak.per_core_gflops) : null,
      pct_peak_ort:
        peak && gflops(sr.median_ms) ? (100 * gflops(sr.median_ms)) / (threads * peak.per_core_gflops) : null,
      ours_top_ops: topOps(prof.ops, threads, peak),
      ours_peak_rss_kb: prof.peak_rss_kb,
      ours_run_peak_rss_kb: oursRunRss,
      ort_peak_rss_kb: rss.vmhwm_kb,
      ort_node_baseline_kb: baseline.vmhwm_kb,
      ort_net_rss_kb: rss.vmhwm_kb - baseline.vmhwm_kb,
      ours_init_ms: prof.init_ms,
      ort_init_ms: ready.init_ms,
      ours_profile: { runs: prof.runs, first_ms: prof.first_ms, by_type: prof.by_type },
      ort_profile: { runs: ortProfile.runs, by_type: ortProfile.by_type },
    });
    return row;
  } finally {
    worker.kill();
  }
}

// ---------------------------------------------------------------- table

function fmt(x, digits = 2) {
  return x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

/**
 * Time by op type in both engines' profiles (ms per inference; ours: benchmark_model's per-op
 * statistics, onnxruntime: its profiler's kernel times): which kinds of op to work on next.
 * Fused ops count under the type each engine reports (e.g. its Conv includes fused activations).
 */
function opTypeTable(rows) {
  const out = ['', `time by op type, ms per inference (profiled runs; types over 2% of either engine's total):`];
  for (const r of rows.filter((x) => x.status === 'ok' && x.ort_profile)) {
    const ours = new Map((r.ours_profile.by_type ?? []).map((t) => [t.type, t.avg_ms]));
    const ort = new Map(r.ort_profile.by_type.map((t) => [t.type, t.avg_ms]));
    const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
    const totalOurs = sum(ours),
      totalOrt = sum(ort);
    const types = [...new Set([...ours.keys(), ...ort.keys()])]
      .filter((t) => (ours.get(t) ?? 0) > 0.02 * totalOurs || (ort.get(t) ?? 0) > 0.02 * totalOrt)
      .sort((a, b) => Math.max(ours.get(b) ?? 0, ort.get(b) ?? 0) - Math.max(ours.get(a) ?? 0, ort.get(a) ?? 0));
    const cell = (m, t) => (m.has(t) ? fmt(m.get(t), 3) : '-');
    out.push(
      `  ${r.model} T=${r.threads}: total ours ${fmt(totalOurs, 3)} / ort ${fmt(totalOrt, 3)}; ` +
        types.map((t) => `${t} ${cell(ours, t)} / ${cell(ort, t)}`).join(', '),
    );
  }
  return out;
}

function printTable(rows, info, peak) {
  const head = [
    'model',
    'T',
    'ours med',
    'ours p90',
    'ort med',
    'ort p90',
    'ours/ort',
    'paired',
    'GFLOP/s ours',
    'GFLOP/s ort',
    '%peak ours',
    '%peak ort',
    'RSS ours',
    'RSS ort',
    'ort net',
  ];
  const body = rows.map((r) =>
    r.status === 'ok'
      ? [
          r.model,
          String(r.threads),
          fmt(r.ours.median_ms, 3),
          fmt(r.ours.p90_ms, 3),
          fmt(r.ort.median_ms, 3),
          fmt(r.ort.p90_ms, 3),
          `${fmt(r.ratio_median, 2)}x`,
          `${fmt(r.ratio_paired, 2)}x`,
          fmt(r.gflops_ours, 2) + (r.macs_uncounted_types.length ? '*' : ''),
          fmt(r.gflops_ort, 2) + (r.macs_uncounted_types.length ? '*' : ''),
          fmt(r.pct_peak_ours, 1),
          fmt(r.pct_peak_ort, 1),
          fmt(r.ours_peak_rss_kb / 1024, 1),
          fmt(r.ort_peak_rss_kb / 1024, 1),
          fmt(r.ort_net_rss_kb / 1024, 1),
        ]
      : [r.model, String(r.threads ?? '-'), `ERROR: ${r.error}`],
  );
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.filter((b) => b.length === head.length).map((b) => (b[i] ?? '').length)),
  );
  const line = (cells) =>
    cells
      .map((c, i) => (cells.length === 3 && i === 2 ? c : i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  const out = [];
  out.push(
    `${info.cpu_model}, ${info.cores} cores, ${info.date}, commit ${info.git_commit?.slice(0, 10) ?? '?'}${info.git_dirty ? ' (dirty)' : ''}`,
  );
  out.push(
    `load average ${info.loadavg_start.join(' ')} at start; ${ROUNDS} timed runs per engine in blocks of ${BLOCK}, ${WARMUP} warm-up runs per block`,
  );
  if (peak) {
    const byIsa = Object.entries(peak.gflops)
      .map(
        ([isa, t]) =>
          `${isa} ${Object.entries(t)
            .map(([n, g]) => `${fmt(g, 1)} (T=${n})`)
            .join(', ')}`,
      )
      .join('; ');
    out.push(`FMA peak GFLOP/s: ${byIsa}; %peak = GFLOP/s / (T x ${fmt(peak.per_core_gflops, 1)})`);
  } else {
    out.push('FMA peak: not measured (see the error above); no %peak');
  }
  out.push('');
  out.push(line(head));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) out.push(line(b));
  out.push('');
  out.push('times in ms (median and p90 of the merged samples); ours/ort < 1 means ours is faster;');
  out.push('paired = median over block pairs of (our block median / onnxruntime block median), the');
  out.push('  pairs run back to back, so a slow phase of a shared host hits both sides of a pair;');
  out.push('GFLOP/s = 2 x MACs (ours, from benchmark_model) / median time, for both engines;');
  out.push('%peak = that GFLOP/s / (T x the 1-thread FMA peak of bench/fma_peak.cc);');
  const tops = rows.filter((r) => r.status === 'ok' && r.ours_top_ops?.length && peak);
  if (tops.length) {
    out.push(`our ${TOP_OPS} ops with the most MACs (benchmark_model profile), % of peak each:`);
    for (const r of tops)
      out.push(`  ${r.model} T=${r.threads}: ${r.ours_top_ops.map((o) => `${fmt(o.pct_peak, 1)}%`).join(', ')}`);
  }
  const uncounted = rows.filter((r) => r.status === 'ok' && r.macs_uncounted_types.length);
  for (const tag of new Set(uncounted.map((r) => r.model)))
    out.push(
      `  * ${tag}: MACs of ${uncounted.find((r) => r.model === tag).macs_uncounted_types.join(', ')} are not counted, so its GFLOP/s is too low;`,
    );
  out.push('RSS in MiB: "RSS ours" = peak RSS (VmHWM) of the benchmark_model process (engine, model, I/O);');
  out.push('"RSS ort" = peak RSS of the Node child running onnxruntime-node, Node itself included;');
  out.push('"ort net" = that minus the same child\'s peak before loading onnxruntime-node (the Node runtime).');
  out.push(...opTypeTable(rows));
  process.stdout.write(out.join('\n') + '\n');
}

// ---------------------------------------------------------------- main

async function loadCli() {
  const dist = join(root, 'apps/cli/dist');
  if (!existsSync(join(dist, 'deployment.js')) || !existsSync(join(root, 'packages/converter/dist'))) {
    log('bench/models.mjs: the TypeScript build is missing; run `npm run build` first');
    process.exit(1);
  }
  const dep = await import(pathToFileURL(join(dist, 'deployment.js')).href);
  const tensors = await import(pathToFileURL(join(dist, 'tensors.js')).href);
  const { writeNpy } = await import('@mace/converter');
  return { ...dep, ...tensors, writeNpy };
}

/** JSON as prettier writes it, so that a committed results file passes `npm run lint`. */
async function formatJson(doc) {
  const text = JSON.stringify(doc, null, 2) + '\n';
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { ...(await prettier.resolveConfig(JSON_FILE)), parser: 'json' });
  } catch {
    return text;
  }
}

async function main() {
  const cli = await loadCli();
  const info = machineInfo();
  const rows = [];
  const errorRows = (name, threadsList, err) =>
    threadsList.forEach((t) =>
      rows.push({ model: name, threads: t, status: 'error', error: String(err?.message ?? err) }),
    );

  log('building the native tools (mace_run, benchmark_model)…');
  let tools = null;
  let buildError = null;
  try {
    run('bash', [join(root, 'scripts/native-build.sh'), 'mace_run', 'benchmark_model'], 'native build');
    const dir = process.env.MACE_NATIVE_BUILD_DIR ?? join(root, 'native/build/host');
    tools = { maceRun: join(dir, 'mace_run'), benchmarkModel: join(dir, 'benchmark_model') };
  } catch (err) {
    buildError = err;
  }

  const work = mkdtempSync(join(os.tmpdir(), 'mace-bench-'));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  process.on('SIGINT', () => (cleanup(), process.exit(130)));
  let peak = null;
  try {
    log('measuring the FMA peak (bench/fma_peak.cc)…');
    try {
      peak = measurePeak(work, Math.max(...THREADS));
      log(`   ${JSON.stringify(peak.gflops)} GFLOP/s`);
    } catch (err) {
      log(`   ${err.message}`);
    }
    for (const name of MODELS) {
      const configPath =
        name.endsWith('.yml') || name.endsWith('.yaml') ? resolve(name) : join(DEPLOY_DIR, `${name}.yml`);
      const label = basename(configPath).replace(/\.ya?ml$/, '');
      if (buildError) {
        errorRows(label, THREADS, buildError);
        continue;
      }
      if (!existsSync(configPath)) {
        errorRows(label, THREADS, `no deployment file ${configPath}`);
        continue;
      }
      log(`== ${label}: converting…`);
      let prepared;
      try {
        prepared = await prepare(configPath, join(work, label), cli);
      } catch (err) {
        log(`   ${err.message}`);
        errorRows(label, THREADS, err);
        continue;
      }
      for (const p of prepared) {
        for (const t of THREADS) {
          log(`== ${p.tag}, ${t} thread${t > 1 ? 's' : ''}…`);
          try {
            const row = await measure(p, t, tools, peak);
            log(`   ours ${fmt(row.ours.median_ms, 3)} ms, onnxruntime ${fmt(row.ort.median_ms, 3)} ms (medians)`);
            rows.push(row);
          } catch (err) {
            log(`   ${err.message}`);
            errorRows(p.tag, [t], err);
          }
        }
      }
    }
  } finally {
    cleanup();
  }

  info.loadavg_end = os.loadavg().map((x) => +x.toFixed(2));
  process.stdout.write('\n');
  printTable(rows, info, peak);

  const doc = {
    machine: info,
    peak,
    settings: {
      threads: THREADS,
      rounds: ROUNDS,
      block: BLOCK,
      warmup_per_block: WARMUP,
      onnxruntime: {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: 'T',
        interOpNumThreads: 1,
      },
    },
    legend: {
      'ours.*_ms': 'our engine, mace_run timed runs (engine->Run), merged over all blocks; median/p90 nearest-rank',
      'ort.*_ms':
        'onnxruntime-node InferenceSession.run as awaited from JS (binding overhead included), merged over all blocks',
      ratio_median: 'ours.median_ms / ort.median_ms; < 1 means ours is faster',
      ratio_paired:
        'median over block pairs (one block of each engine, back to back) of ours block median / ort block median',
      ratio_paired_iqr: '25th and 75th percentile of the pair ratios',
      pair_ratios: 'every block pair ratio, in run order',
      ort_idle_wait_ms: 'longest wait, before one of our blocks, for the onnxruntime process to stop spinning',
      macs: 'multiply-accumulates per inference, counted by our engine (benchmark_model)',
      macs_uncounted_types:
        'MAC-heavy op types for which the engine reports 0 MACs: macs and GFLOP/s are underestimates',
      gflops_ours: '2 * macs / ours.median_ms, in GFLOP/s',
      gflops_ort: '2 * macs / ort.median_ms, in GFLOP/s (same operation count)',
      'peak.gflops':
        'bench/fma_peak.cc: GFLOP/s of independent FMA chains per instruction set and thread count (best of 9 repetitions)',
      peak_gflops: 'threads * peak.per_core_gflops (the best 1-thread FMA peak): the 100% of this row',
      pct_peak_ours: '100 * gflops_ours / peak_gflops',
      pct_peak_ort: '100 * gflops_ort / peak_gflops',
      ours_top_ops: `our ${TOP_OPS} ops with the most MACs in the benchmark_model profile: avg_ms, GFLOP/s, pct_peak`,
      'ours_profile.by_type': 'our time per op type, ms per inference (benchmark_model per-op statistics runs)',
      'ort_profile.by_type': `onnxruntime kernel time per op type, ms per inference (${PROFILE_RUNS} + 2 runs of a session with its profiler on)`,
      ours_peak_rss_kb: 'VmHWM of the benchmark_model process (our engine + model + inputs/outputs)',
      ours_run_peak_rss_kb: 'largest VmHWM of the mace_run processes that gave the timed runs',
      ort_peak_rss_kb: 'VmHWM of the Node child process running onnxruntime-node (Node runtime included)',
      ort_node_baseline_kb: 'VmHWM of that child before onnxruntime-node was loaded (Node runtime alone)',
      ort_net_rss_kb: 'ort_peak_rss_kb - ort_node_baseline_kb',
    },
    rows,
  };
  mkdirSync(dirname(JSON_FILE), { recursive: true });
  writeFileSync(JSON_FILE + '.tmp', await formatJson(doc));
  renameSync(JSON_FILE + '.tmp', JSON_FILE);
  process.stdout.write(`\nwrote ${JSON_FILE.startsWith(root + '/') ? JSON_FILE.slice(root.length + 1) : JSON_FILE}\n`);
  return rows.some((r) => r.status !== 'ok') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench/models.mjs: ${err.stack ?? err}`);
    process.exit(1);
  },
);
