// The CI examples cannot rot: both files parse as YAML, every `mace` call in their steps names an
// existing command, and every flag it passes is one of that command's options. The webhook
// signature check of docs/ci.md, run as written, accepts the service's signatures and refuses
// a wrong secret or a changed body.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { signWebhookBody } from '../apps/api/src/webhooks/sign.js';
import { commands } from '../apps/cli/src/main.js';

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Every string in a parsed YAML document under a key named `run` or `script` (steps of both systems). */
function shellTexts(node: unknown, key = ''): string[] {
  if (typeof node === 'string') return key === 'run' || key === 'script' || key === 'before_script' ? [node] : [];
  if (Array.isArray(node)) return node.flatMap((n) => shellTexts(n, key));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => shellTexts(v, k));
  return [];
}

/** `mace <command> args…` calls in shell text (YAML folding already joined continued lines). */
function maceCalls(text: string): { command: string; flags: string[] }[] {
  const calls: { command: string; flags: string[] }[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const m = /(?:^|[\s;&|(])mace((?:\s+--(?:server|token)(?:=\S+|\s+\S+))*)\s+([a-z]+)(.*)$/.exec(line);
    if (!m) continue;
    const flags = [...`${m[1]} ${m[3]}`.matchAll(/(?:^|\s)--([A-Za-z0-9_-]+)/g)].map((f) => f[1]!);
    calls.push({ command: m[2]!, flags });
  }
  return calls;
}

describe.each(['github-actions.yml', 'gitlab-ci.yml'])('examples/ci/%s', (file) => {
  it('parses, and every mace call uses existing commands and flags', async () => {
    const doc = parse(await readFile(path.join(repoRoot, 'examples/ci', file), 'utf8'));
    const calls = shellTexts(doc).flatMap(maceCalls);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.map((c) => c.command)).toContain('benchmark');
    const gate = calls.find((c) => c.flags.includes('fail-on-regression'));
    expect(gate?.flags).toEqual(expect.arrayContaining(['baseline', 'junit']));
    for (const call of calls) {
      const cmd = commands.find((c) => c.name === call.command);
      expect(cmd, `mace ${call.command}`).toBeDefined();
      for (const flag of call.flags)
        expect(Object.keys(cmd!.options), `mace ${call.command} --${flag}`).toContain(flag);
    }
  });
});

describe('the mace-call scanner', () => {
  it('finds commands and flags, and would notice a flag that does not exist', () => {
    expect(maceCalls('mace benchmark --config a.yml --round 5 --no-such-flag x')).toEqual([
      { command: 'benchmark', flags: ['config', 'round', 'no-such-flag'] },
    ]);
    const bench = commands.find((c) => c.name === 'benchmark')!;
    expect(Object.keys(bench.options)).not.toContain('no-such-flag');
    expect(maceCalls('ln -sf x/mace.js /usr/local/bin/mace')).toEqual([]);
  });
});

describe('docs/ci.md webhook verification snippet', () => {
  it('verifies the service signature and refuses a wrong secret or body', async () => {
    const doc = await readFile(path.join(repoRoot, 'docs/ci.md'), 'utf8');
    const snippet = /```js\n([\s\S]*?verifyMaceSignature[\s\S]*?)```/.exec(doc)?.[1];
    expect(snippet).toBeDefined();
    const dir = await mkdtemp(path.join(tmpdir(), 'mace-ci-doc-'));
    try {
      const file = path.join(dir, 'verify.mjs');
      await writeFile(file, snippet!);
      const { verifyMaceSignature } = (await import(pathToFileURL(file).href)) as {
        verifyMaceSignature: (secret: string, body: string | Buffer, header?: string) => boolean;
      };
      const body = JSON.stringify({ id: 'd1', event: 'run.succeeded', data: { runId: 'r' } });
      const header = signWebhookBody('whsec_shared', body);
      expect(verifyMaceSignature('whsec_shared', body, header)).toBe(true);
      expect(verifyMaceSignature('whsec_shared', Buffer.from(body), header)).toBe(true);
      expect(verifyMaceSignature('whsec_other', body, header)).toBe(false);
      expect(verifyMaceSignature('whsec_shared', `${body} `, header)).toBe(false);
      expect(verifyMaceSignature('whsec_shared', body, undefined)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
