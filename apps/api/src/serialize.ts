// Database rows → the API's JSON objects (schemas/resources.ts): ISO timestamps, BigInt sizes as
// numbers (exact below 2^53 bytes), log ids as decimal strings, selectors under their API names.
import type {
  ApiToken,
  Baseline,
  Artifact,
  Deployment,
  DeploymentModel,
  Device,
  Job,
  JobLog,
  ModelFile,
  Run,
  Webhook,
  WebhookDelivery,
} from '@mace/db';

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
/** A JSON column as an object ({} when it holds anything else). */
export const asObject = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function tokenJson(t: ApiToken) {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    prefix: t.prefix,
    userId: t.userId,
    createdAt: iso(t.createdAt),
    lastUsedAt: isoOrNull(t.lastUsedAt),
    revokedAt: isoOrNull(t.revokedAt),
  };
}

export function modelFileJson(m: ModelFile) {
  return {
    id: m.id,
    sha256: m.sha256,
    size: Number(m.size),
    originalFilename: m.originalFilename,
    createdById: m.createdById,
    createdAt: iso(m.createdAt),
  };
}

export type DeploymentWithModels = Deployment & { models: (DeploymentModel & { modelFile: ModelFile })[] };

export function deploymentSummaryJson(d: DeploymentWithModels) {
  return {
    id: d.id,
    libraryName: d.libraryName,
    models: d.models.map((m) => ({
      tag: m.modelTag,
      role: m.role,
      modelFileId: m.modelFileId,
      sha256: m.modelFile.sha256,
    })),
    createdById: d.createdById,
    createdAt: iso(d.createdAt),
  };
}

export function deploymentJson(d: DeploymentWithModels) {
  const config = asObject(d.config);
  return {
    ...deploymentSummaryJson(d),
    yaml: d.yaml,
    config,
    warnings: Array.isArray(config.warnings) ? config.warnings : [],
  };
}

export type JobWithDeps = Job & { dependsOn?: { dependsOnId: string }[] };

export function jobJson(j: JobWithDeps) {
  return {
    id: j.id,
    runId: j.runId,
    kind: j.kind,
    status: j.status,
    reason: j.reason,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    deviceId: j.deviceId,
    abi: j.abi,
    modelTag: j.modelTag,
    dependsOn: (j.dependsOn ?? []).map((d) => d.dependsOnId),
    payload: asObject(j.payload),
    result: j.result === null ? null : asObject(j.result),
    createdAt: iso(j.createdAt),
    updatedAt: iso(j.updatedAt),
    startedAt: isoOrNull(j.startedAt),
    finishedAt: isoOrNull(j.finishedAt),
  };
}

export function runJson(r: Run) {
  return {
    id: r.id,
    deploymentId: r.deploymentId,
    status: r.status,
    reason: r.reason,
    actions: r.actions,
    devices: asObject(r.deviceSelector),
    options: asObject(r.options),
    idempotencyKey: r.idempotencyKey,
    createdById: r.createdById,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    startedAt: isoOrNull(r.startedAt),
    finishedAt: isoOrNull(r.finishedAt),
  };
}

export function runWithJobsJson(r: Run & { jobs: JobWithDeps[] }) {
  return { ...runJson(r), jobs: r.jobs.map(jobJson) };
}

export function jobLogJson(l: JobLog) {
  return { id: l.id.toString(), runId: l.runId, jobId: l.jobId, stream: l.stream, text: l.text, time: iso(l.time) };
}

export function artifactJson(a: Artifact) {
  return {
    id: a.id,
    sha256: a.sha256,
    size: Number(a.size),
    kind: a.kind,
    name: a.name,
    contentType: a.contentType,
    runId: a.runId,
    jobId: a.jobId,
    deviceId: a.deviceId,
    metadata: asObject(a.metadata),
    downloadUrl: `/v1/artifacts/${a.id}/download`,
    createdAt: iso(a.createdAt),
  };
}

export function deviceJson(d: Device) {
  return {
    id: d.id,
    serial: d.serial,
    kind: d.kind,
    abis: d.abis,
    soc: d.soc,
    model: d.model,
    state: d.state,
    properties: asObject(d.properties),
    agentTokenId: d.agentTokenId,
    lastHeartbeatAt: isoOrNull(d.lastHeartbeatAt),
    consecutiveFailures: d.consecutiveFailures,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

export function baselineJson(b: Baseline) {
  return {
    id: b.id,
    tag: b.tag,
    runId: b.runId,
    setById: b.setById,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt),
  };
}

export function webhookJson(w: Webhook) {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    active: w.active,
    createdById: w.createdById,
    createdAt: iso(w.createdAt),
  };
}

export function webhookDeliveryJson(d: WebhookDelivery) {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    deliveredAt: isoOrNull(d.deliveredAt),
    createdAt: iso(d.createdAt),
  };
}
