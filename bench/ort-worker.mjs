// onnxruntime-node side of bench/models.mjs, in its own process so that its peak RSS (VmHWM) is
// its own. Started as `node bench/ort-worker.mjs SPEC.json`, where SPEC is
//   { model, threads, inputs: [{ name, shape, file }], outputs: [name] }
// (each input file holds the raw little-endian float32 values). It speaks JSON lines on stdout and
// reads commands on stdin, one a line:
//   → {"type":"baseline","vmhwm_kb","vmrss_kb"}  at start, before onnxruntime-node is loaded
//   → {"type":"ready","init_ms"}                  once the session exists
//   run W K  → W untimed warm-up runs, then K timed → {"type":"times","ms":[...K]}
//   rss      → {"type":"rss","vmhwm_kb","vmrss_kb"} (before `profile`, whose session adds memory)
//   profile K → K runs of a second session with onnxruntime's profiler on (slower: not timed)
//              → {"type":"profile","runs":K,"by_type":[{"type","avg_ms"}]} (kernel time per run)
//   quit     → {"type":"rss","vmhwm_kb","vmrss_kb"} and exit
//   errors   → {"type":"error","message"} and exit 1. End of stdin (parent gone) exits too.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

function procStatus() {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
  return { vmhwm_kb: kb('VmHWM'), vmrss_kb: kb('VmRSS') };
}

const send = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
const fail = (err) => {
  send({ type: 'error', message: String(err?.message ?? err).split('\n')[0] });
  process.exit(1);
};

send({ type: 'baseline', ...procStatus() });

try {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const ort = await import('onnxruntime-node');
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(spec.model, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: spec.threads,
    interOpNumThreads: 1,
  });
  const initMs = performance.now() - t0;
  const feeds = {};
  for (const inp of spec.inputs) {
    const buf = readFileSync(inp.file);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    feeds[inp.name] = new ort.Tensor('float32', data, inp.shape);
  }
  const outputs = spec.outputs.length ? spec.outputs : session.outputNames;
  send({ type: 'ready', init_ms: initMs });

  // Kernel time per op type from onnxruntime's own profiler (chrome-trace JSON events).
  const profile = async (runs) => {
    const dir = mkdtempSync(join(tmpdir(), 'ort-profile-'));
    try {
      const prof = await ort.InferenceSession.create(spec.model, {
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        intraOpNumThreads: spec.threads,
        interOpNumThreads: 1,
        enableProfiling: true,
        profileFilePrefix: join(dir, 'ort'),
      });
      for (let i = 0; i < runs + 2; i++) await prof.run(feeds, outputs);
      prof.endProfiling();
      const file = readdirSync(dir).find((f) => f.endsWith('.json'));
      const events = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const us = new Map();
      for (const e of events)
        if (e.cat === 'Node' && e.name.endsWith('_kernel_time'))
          us.set(e.args.op_name, (us.get(e.args.op_name) ?? 0) + e.dur);
      await prof.release();
      // The 2 warm-up runs are in the trace too: average over all of them.
      const byType = [...us].map(([type, t]) => ({ type, avg_ms: t / 1000 / (runs + 2) }));
      return byType.sort((a, b) => b.avg_ms - a.avg_ms);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const rl = createInterface({ input: process.stdin });
  rl.on('close', () => process.exit(0));
  for await (const line of rl) {
    const [cmd, a, b] = line.trim().split(/\s+/);
    if (cmd === 'run') {
      const warm = Number(a),
        count = Number(b);
      for (let i = 0; i < warm; i++) await session.run(feeds, outputs);
      const ms = [];
      for (let i = 0; i < count; i++) {
        const s = performance.now();
        await session.run(feeds, outputs);
        ms.push(performance.now() - s);
      }
      send({ type: 'times', ms });
    } else if (cmd === 'rss') {
      send({ type: 'rss', ...procStatus() });
    } else if (cmd === 'profile') {
      send({ type: 'profile', runs: Number(a), by_type: await profile(Number(a)) });
    } else if (cmd === 'quit') {
      send({ type: 'rss', ...procStatus() });
      await session.release();
      process.exit(0);
    } else if (cmd) {
      fail(`unknown command '${line}'`);
    }
  }
} catch (err) {
  fail(err);
}
