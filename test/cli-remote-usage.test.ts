// The remote commands' command-line contract without a service: --help on every command (with
// the exit codes), and usage errors (exit 2) for remote options without a server, a server without
// a token, a malformed server URL or selector, and remote-only commands run locally.
import { describe, expect, it } from 'vitest';
import { mace } from './helpers/cli.js';

const NO_SERVICE = { MACE_SERVER: '', MACE_TOKEN: '' };
const COMMANDS = [
  'convert',
  'build',
  'run',
  'benchmark',
  'validate',
  'tune',
  'devices',
  'runs',
  'artifacts',
  'compare',
  'baseline',
];

describe('mace --help', () => {
  it.each(COMMANDS)('mace %s --help lists its options and the exit codes', (name) => {
    const r = mace([name, '--help'], NO_SERVICE);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^Usage: mace (\\[--server URL --token T\\] |--server URL --token T )?${name}\\b`, 'm'),
    );
    expect(r.stdout).toContain('  3  regression gate failed');
  });

  it('the top-level help names every command and the exit codes', () => {
    const r = mace(['--help'], NO_SERVICE);
    expect(r.status).toBe(0);
    for (const name of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(r.stdout).toContain('  4  service error');
  });
});

describe('usage errors exit 2', () => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    [
      'gate options without a server',
      ['benchmark', '--config', 'x.yml', '--baseline', 'main'],
      NO_SERVICE,
      /--baseline need\(s\) --server URL/,
    ],
    [
      'validate without a server',
      ['validate', '--config', 'x.yml'],
      NO_SERVICE,
      /runs on the service: give --server URL.*mace run --validate/,
    ],
    [
      'a server without a token',
      ['--server', 'http://127.0.0.1:9', 'devices'],
      NO_SERVICE,
      /a token is needed with --server/,
    ],
    ['a malformed server', ['devices'], { MACE_SERVER: 'not a url', MACE_TOKEN: 't' }, /--server expects a URL/],
    [
      'a malformed selector',
      ['benchmark', '--config', 'x.yml', '--devices', 'arm64'],
      { MACE_SERVER: 'http://127.0.0.1:9', MACE_TOKEN: 't' },
      /--devices: "arm64" is not key=value/,
    ],
    [
      'a bad gate percentage',
      ['benchmark', '--config', 'x.yml', '--baseline', 'main', '--fail-on-regression', 'ten'],
      { MACE_SERVER: 'http://127.0.0.1:9', MACE_TOKEN: 't' },
      /--fail-on-regression expects a number ≥ 0, got "ten"/,
    ],
    [
      'a time limit of zero (locally)',
      ['benchmark', '--config', 'x.yml', '--max_time', '0'],
      NO_SERVICE,
      /--max_time expects seconds above 0 and at most 300, got "0"/,
    ],
    [
      'a time limit above the service maximum',
      ['benchmark', '--config', 'x.yml', '--max_time', '301'],
      { MACE_SERVER: 'http://127.0.0.1:9', MACE_TOKEN: 't' },
      /--max_time expects seconds above 0 and at most 300, got "301"/,
    ],
    [
      'compare with one run',
      ['compare', 'main'],
      { MACE_SERVER: 'http://127.0.0.1:9', MACE_TOKEN: 't' },
      /expected two runs/,
    ],
    [
      'artifacts without download',
      ['artifacts', 'list'],
      { MACE_SERVER: 'http://127.0.0.1:9', MACE_TOKEN: 't' },
      /expected: mace artifacts download/,
    ],
  ];
  it.each(cases)('%s', (_what, args, env, message) => {
    const r = mace(args, env);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
