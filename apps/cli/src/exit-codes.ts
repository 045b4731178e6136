// The `mace` command's exit codes: CI pipelines branch on them, so they are fixed and documented
// (mace --help, docs/ci.md).
export const EXIT = {
  /** Everything asked for succeeded (and the gate, when given, passed). */
  ok: 0,
  /** The run (or a local command) failed: a job failed, errored or was cancelled, or validation failed. */
  failed: 1,
  /** The command line is wrong: unknown option, missing argument, bad value. */
  usage: 2,
  /** The run succeeded but the regression gate failed (--fail-on-regression). */
  gate: 3,
  /** The service could not be reached, refused the token, or refused a request. */
  service: 4,
} as const;

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  ok',
  '  1  the run failed (a job failed, errored or was cancelled; validation below threshold)',
  '  2  usage error',
  '  3  regression gate failed (--fail-on-regression against --baseline)',
  '  4  service error: unreachable, bad token (401/403), or the request was refused',
].join('\n');
