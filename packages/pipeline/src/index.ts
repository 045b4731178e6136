// @mace/pipeline: run orchestration shared by the API, the worker and the agents. State lives in
// PostgreSQL (runs, jobs, dependencies, logs); BullMQ (Redis) is only the transport.
export {
  createQueues,
  createRedisConnection,
  enqueueJob,
  DEFAULT_QUEUE_PREFIX,
  QUEUE_JOB_OPTIONS,
  type Queues,
} from './queues.js';
export { submitRun, jobIdempotencyKey, type SubmitRunInput } from './submit.js';
export { cancelRun } from './cancel.js';
export { appendJobLog, appendRunLog, JobLogger, type LogStreamName } from './logs.js';
export {
  startConsumer,
  afterJobEnded,
  type Consumer,
  type ConsumerOptions,
  type JobContext,
  type JobHandler,
} from './consumer.js';
export { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile.js';
export { deriveRunStatus, refreshRunStatus, jobLabel, type DerivedRunState } from './run-status.js';
export {
  planJobs,
  expandActions,
  checkOptions,
  checkTune,
  needsDevices,
  type PlannedJob,
  type PlanInput,
} from './plan.js';
export { matchDevices, deviceAbi, checkSelector } from './devices.js';
export { UserJobError, InfrastructureError, RunInputError, isUserError, errorMessage } from './errors.js';
export { pipelineSettings, retryDelayMs, type PipelineSettings } from './settings.js';
export {
  claimJob,
  renewLease,
  completeJob,
  finishJob,
  requeueJob,
  promoteDependents,
  skipDependents,
  type ClaimResult,
  type NewArtifact,
  type SuccessInput,
} from './transitions.js';
export { loadRunDeployment, findModel } from './deployment.js';
export { onRunEvent, emitRunEvent, runEventFor, type RunEvent, type RunEventListener } from './events.js';
export { runConsumerProcess, processLog, type ProcessLog } from './process.js';
export { quarantineAfter, recordJobOutcome, type JobOutcome } from './device-health.js';
