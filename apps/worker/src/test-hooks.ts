// TEST-ONLY hook, never set in production: MACE_TEST_HOLD_CONVERT=<file> makes every convert task
// (the child process of a convert job) print "test hook: holding convert task pid <pid>" to the
// job log and wait until <file> exists before converting. Tests use it to act deterministically
// while a convert job is running — kill the worker (test/worker-crash.test.ts) or cancel the run
// (test/pipeline-control.test.ts) — without timing assumptions.
import { existsSync } from 'node:fs';

export async function holdConvertTaskForTests(): Promise<void> {
  const file = process.env.MACE_TEST_HOLD_CONVERT;
  if (!file) return;
  console.log(`test hook: holding convert task pid ${process.pid} until ${file} exists (MACE_TEST_HOLD_CONVERT)`);
  while (!existsSync(file)) await new Promise((r) => setTimeout(r, 100));
  console.log('test hook: released');
}
