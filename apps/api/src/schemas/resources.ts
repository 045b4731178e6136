// Response schemas of the API's resources (tokens, model files, deployments, runs, jobs, logs,
// artifacts, devices, webhooks). They shape what is sent and document it; serialize.ts builds
// the matching objects from database rows.
import { dateTime, nullable, sha256Hex, uuid, type JsonSchema } from './common.js';

const obj = (properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
  ...extra,
});
const anyObject: JsonSchema = { type: 'object', additionalProperties: true };
const stringArray: JsonSchema = { type: 'array', items: { type: 'string' } };

export const TOKEN_SCOPE_VALUES = ['admin', 'user', 'agent'] as const;
export const RUN_STATUS_VALUES = ['queued', 'running', 'succeeded', 'failed', 'errored', 'cancelled'] as const;
export const TERMINAL_RUN_STATUSES = ['succeeded', 'failed', 'errored', 'cancelled'] as const;
export const JOB_KIND_VALUES = ['convert', 'build', 'validate', 'benchmark', 'tune'] as const;
export const JOB_STATUS_VALUES = [
  'pending',
  'queued',
  'running',
  'succeeded',
  'failed',
  'errored',
  'cancelled',
] as const;
export const DEVICE_KIND_VALUES = ['host', 'android', 'linux'] as const;
export const DEVICE_STATE_VALUES = ['available', 'busy', 'offline', 'unauthorized', 'quarantined'] as const;
export const ARTIFACT_KIND_VALUES = [
  'model_graph',
  'model_data',
  'reference_outputs',
  'coverage',
  'library',
  'binary',
  'tuned_binary',
  'tuned_parameters',
  'log',
  'outputs',
  'other',
] as const;
export const LOG_STREAM_VALUES = ['stdout', 'stderr', 'system'] as const;

export const tokenSchema = obj({
  id: uuid,
  name: { type: 'string' },
  scope: { type: 'string', enum: TOKEN_SCOPE_VALUES },
  prefix: { type: 'string', description: 'the first characters of the token, to tell tokens apart' },
  userId: nullable(uuid),
  createdAt: dateTime,
  lastUsedAt: nullable(dateTime),
  revokedAt: nullable(dateTime),
});

export const createdTokenSchema = obj({
  ...(tokenSchema.properties as Record<string, JsonSchema>),
  token: { type: 'string', description: 'the bearer token; shown only in this response' },
});

export const modelFileSchema = obj({
  id: uuid,
  sha256: sha256Hex,
  size: { type: 'integer', minimum: 0 },
  originalFilename: { type: 'string' },
  createdById: nullable(uuid),
  createdAt: dateTime,
});

/** One problem in a deployment file (@mace/config ConfigIssue); line and column are 1-based. */
export const configIssueSchema: JsonSchema = {
  type: 'object',
  required: ['path', 'message'],
  additionalProperties: false,
  properties: {
    path: { type: 'string', description: 'field path, e.g. models.mobilenet.subgraphs[0].input_shapes' },
    message: { type: 'string' },
    line: { type: 'integer' },
    column: { type: 'integer' },
  },
};

const deploymentModelSchema = obj({
  tag: { type: 'string' },
  role: { type: 'string', enum: ['model', 'weights'] },
  modelFileId: uuid,
  sha256: sha256Hex,
});

export const deploymentSummarySchema = obj({
  id: uuid,
  libraryName: { type: 'string' },
  models: { type: 'array', items: deploymentModelSchema },
  createdById: nullable(uuid),
  createdAt: dateTime,
});

export const deploymentSchema = obj({
  ...(deploymentSummarySchema.properties as Record<string, JsonSchema>),
  yaml: { type: 'string', description: 'the deployment file as submitted' },
  config: { ...anyObject, description: 'the typed configuration parsed by @mace/config' },
  warnings: { type: 'array', items: configIssueSchema },
});

export const jobSchema = obj({
  id: uuid,
  runId: uuid,
  kind: { type: 'string', enum: JOB_KIND_VALUES },
  status: { type: 'string', enum: JOB_STATUS_VALUES },
  reason: { type: ['string', 'null'] },
  attempts: { type: 'integer' },
  maxAttempts: { type: 'integer' },
  deviceId: nullable(uuid),
  abi: { type: ['string', 'null'] },
  modelTag: { type: ['string', 'null'] },
  dependsOn: { type: 'array', items: uuid, description: 'jobs that must succeed before this one starts' },
  payload: anyObject,
  result: { type: ['object', 'null'], additionalProperties: true },
  createdAt: dateTime,
  updatedAt: dateTime,
  startedAt: nullable(dateTime),
  finishedAt: nullable(dateTime),
});

const runProperties: Record<string, JsonSchema> = {
  id: uuid,
  deploymentId: uuid,
  status: { type: 'string', enum: RUN_STATUS_VALUES },
  reason: { type: ['string', 'null'] },
  actions: { type: 'array', items: { type: 'string', enum: JOB_KIND_VALUES } },
  devices: { ...anyObject, description: 'the device selector' },
  options: anyObject,
  idempotencyKey: { type: ['string', 'null'] },
  createdById: nullable(uuid),
  createdAt: dateTime,
  updatedAt: dateTime,
  startedAt: nullable(dateTime),
  finishedAt: nullable(dateTime),
};

export const runSummarySchema = obj(runProperties);
export const runSchema = obj({ ...runProperties, jobs: { type: 'array', items: jobSchema } });

export const jobLogSchema = obj({
  id: { type: 'string', pattern: '^[0-9]+$', description: 'increasing; the SSE event id (Last-Event-ID)' },
  runId: uuid,
  jobId: nullable(uuid),
  stream: { type: 'string', enum: LOG_STREAM_VALUES },
  text: { type: 'string' },
  time: dateTime,
});

export const artifactSchema = obj({
  id: uuid,
  sha256: sha256Hex,
  size: { type: 'integer', minimum: 0 },
  kind: { type: 'string', enum: ARTIFACT_KIND_VALUES },
  name: { type: 'string' },
  contentType: { type: 'string' },
  runId: nullable(uuid),
  jobId: nullable(uuid),
  deviceId: nullable(uuid),
  metadata: anyObject,
  downloadUrl: { type: 'string' },
  createdAt: dateTime,
});

export const deviceSchema = obj({
  id: uuid,
  serial: { type: 'string' },
  kind: { type: 'string', enum: DEVICE_KIND_VALUES },
  abis: stringArray,
  soc: { type: ['string', 'null'] },
  model: { type: ['string', 'null'] },
  state: { type: 'string', enum: DEVICE_STATE_VALUES },
  properties: anyObject,
  agentTokenId: nullable(uuid),
  lastHeartbeatAt: nullable(dateTime),
  consecutiveFailures: { type: 'integer' },
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const webhookSchema = obj({
  id: uuid,
  url: { type: 'string', format: 'uri' },
  events: { ...stringArray, description: 'subscribed events; empty means every event' },
  active: { type: 'boolean' },
  createdById: nullable(uuid),
  createdAt: dateTime,
});

export const createdWebhookSchema = obj({
  ...(webhookSchema.properties as Record<string, JsonSchema>),
  secret: { type: 'string', description: 'HMAC-SHA256 key of X-Mace-Signature; shown only in this response' },
});

export const webhookDeliverySchema = obj({
  id: uuid,
  webhookId: uuid,
  event: { type: 'string' },
  status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
  attempts: { type: 'integer' },
  lastError: { type: ['string', 'null'] },
  nextAttemptAt: nullable(dateTime),
  deliveredAt: nullable(dateTime),
  createdAt: dateTime,
});
