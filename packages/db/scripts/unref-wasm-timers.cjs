// Preloaded (node --require) into the Prisma CLI by applyMigrations(). The Wasm schema engine
// arms a 10-second JavaScript timer (its advisory-lock timeout) and never clears it, so the CLI
// would sit idle for 10 s after its work is done. Timers created from Wasm frames are unref'd:
// they still fire while the engine is busy, but no longer keep a finished process alive.
'use strict';
const original = global.setTimeout;
global.setTimeout = function setTimeout(callback, delay, ...args) {
  const timer = original.call(this, callback, delay, ...args);
  if (typeof timer?.unref === 'function' && /wasm:\/\//.test(new Error().stack ?? '')) timer.unref();
  return timer;
};
