// The device transport contract on the host (LocalTransport): exit codes, separate stderr,
// the device-side timeout (124), abort; DeviceFiles pushes a blob once and reuses it; the
// parsers of what phones report.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport, parseBattery, parseGetprop, shellQuote } from '../src/index.js';
import { DeviceFiles } from '../src/devices/device-files.js';

let root: string;
let transport: LocalTransport;
const signal = new AbortController().signal;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mace-transport-'));
  transport = new LocalTransport(root);
});

describe('LocalTransport', () => {
  it('returns exit codes with stdout and stderr apart, streaming both', async () => {
    const chunks: string[] = [];
    const r = await transport.exec(`echo out; echo err >&2; exit 3`, {
      timeoutS: 10,
      signal,
      onOutput: (s, c) => chunks.push(`${s}:${c.toString().trim()}`),
    });
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(chunks.sort()).toEqual(['stderr:err', 'stdout:out']);
  });

  it('stops a command at its timeout on the device side (exit 124) and on abort', async () => {
    const t0 = Date.now();
    expect((await transport.exec('sleep 5', { timeoutS: 1, signal })).code).toBe(124);
    expect(Date.now() - t0).toBeLessThan(4_000);
    const ac = new AbortController();
    const pending = transport.exec('sleep 5', { timeoutS: 10, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('cancelled')), 100);
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('quotes arguments for the device shell', async () => {
    const odd = `it's "quoted" $HOME; rm -rf /nope`;
    const r = await transport.exec(`printf %s ${shellQuote(odd)}`, { timeoutS: 10, signal });
    expect(r.stdout).toBe(odd);
  });
});

describe('DeviceFiles', () => {
  it('pushes a blob under its sha256 once, and reuses it afterwards', async () => {
    const local = path.join(root, 'model.bin');
    const bytes = randomBytes(10_000);
    await writeFile(local, bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const lines: string[] = [];
    const files = new DeviceFiles(transport, signal, { system: (t) => lines.push(t) });
    const remote = await files.blob(sha, local, { ext: '.data', what: 'model' });
    expect(remote).toBe(`${root}/blobs/${sha}.data`);
    expect(Buffer.compare(await readFile(remote), bytes)).toBe(0);
    // a new job (new DeviceFiles) finds it on the device
    const again = new DeviceFiles(transport, signal, { system: (t) => lines.push(t) });
    expect(await again.blob(sha, local, { ext: '.data', what: 'model' })).toBe(remote);
    expect(lines[0]).toMatch(/^model: pushed/);
    expect(lines[1]).toMatch(/^model: already on the device/);
    const dir = await again.jobDir('job-1');
    expect((await transport.exec(`[ -d ${shellQuote(`${dir}/out`)} ]`, { timeoutS: 5, signal })).code).toBe(0);
    await again.removeJobDir(dir);
    expect((await transport.exec(`[ -e ${shellQuote(dir)} ]`, { timeoutS: 5, signal })).code).toBe(1);
  });
});

describe('what phones report', () => {
  it('parses getprop and dumpsys battery', () => {
    expect(parseGetprop('[ro.product.cpu.abi]: [arm64-v8a]\n[ro.board.platform]: [sdm845]\n')).toEqual({
      'ro.product.cpu.abi': 'arm64-v8a',
      'ro.board.platform': 'sdm845',
    });
    expect(
      parseBattery(
        'Current Battery Service state:\n  AC powered: false\n  level: 87\n  scale: 100\n  temperature: 315\n',
      ),
    ).toEqual({ level: 87, temperatureC: 31.5 });
    expect(parseBattery('nothing')).toEqual({ level: null, temperatureC: null });
  });
});
