// A client of the service's REST API and what is built on it: following a run's log, a live
// progress view, run summaries, and the local-stack demo (npm run demo).
export { ApiClient, ApiRequestError, type RequestOptions } from './api-client.js';
export { submitDeploymentFile, sha256File, type SubmittedDeployment, type UploadedFile } from './deployment-upload.js';
export { freePort, startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack.js';
export { followRunWithProgress } from './run-follow.js';
export { followRunLog, readSseEvents, type FollowOptions, type RunEnd, type SseEvent } from './run-log-stream.js';
export { formatSeconds, jobDurationMs, jobTarget, RunProgress, type ProgressOptions } from './run-progress.js';
export {
  buildRunSummary,
  formatRunSummary,
  formatTable,
  type DeviceSummary,
  type JobSummary,
  type RunSummary,
} from './run-summary.js';
export {
  DemoError,
  redactUrl,
  runServiceDemo,
  RunNotSucceededError,
  type DemoSummary,
  type ServiceDemoOptions,
} from './service-demo.js';
