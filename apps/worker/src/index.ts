// @mace/worker: convert and build jobs (see worker.ts); the process entry point is main.ts.
export { startWorker, type WorkerOptions, type RunningWorker } from './worker.js';
export { convertHandler } from './convert/handler.js';
export { buildHandler } from './build/handler.js';
export { builderPaths } from './paths.js';
