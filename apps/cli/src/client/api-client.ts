// A small client of the service's REST API (docs/api.md): bearer-token requests with fetch, the
// API's error shape turned into ApiRequestError (status, code and the body as sent), and typed
// helpers for the routes the demo drives: uploads, deployments, runs, results, devices.
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import type {
  ApiArtifact,
  ApiBaseline,
  ApiDevice,
  ApiModelFile,
  ApiDeployment,
  ApiRun,
  ApiRunResults,
  CreateRunRequest,
  Page,
  RunComparison,
} from '@mace/protocol';

/** A request the API answered with an error status (or that could not reach it). */
export class ApiRequestError extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly code: string,
    /** The response body as received (the API's `{ error: { code, message, details? } }`). */
    readonly body: string,
  ) {
    super(`${what}: HTTP ${status} ${code}${body ? `\n${body}` : ''}`);
    this.name = 'ApiRequestError';
  }
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: string | FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** A raw response (any status); `path` starts with '/'. */
  async fetch(route: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...(options.headers ?? {}) };
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    try {
      return await fetch(new URL(route, this.baseUrl), {
        method: options.method ?? 'GET',
        headers,
        body,
        signal: options.signal,
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new ApiRequestError(
        `${options.method ?? 'GET'} ${route}`,
        0,
        'unreachable',
        `the API at ${this.baseUrl} did not answer: ${cause}`,
      );
    }
  }

  /** The parsed JSON body of a 2xx answer; ApiRequestError otherwise. */
  async request<T>(route: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.fetch(route, options);
    const text = await res.text();
    if (!res.ok) throw new ApiRequestError(`${options.method ?? 'GET'} ${route}`, res.status, codeOf(text), text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** POST /v1/models: the file streamed from disk, its expected sha256 first (verified while stored). */
  async uploadModel(file: string, sha256: string): Promise<{ model: ApiModelFile; created: boolean }> {
    const form = new FormData();
    form.append('sha256', sha256);
    form.append('file', await openAsBlob(file), path.basename(file));
    const res = await this.fetch('/v1/models', { method: 'POST', body: form });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201)
      throw new ApiRequestError(`POST /v1/models (${path.basename(file)})`, res.status, codeOf(text), text);
    return { model: JSON.parse(text) as ApiModelFile, created: res.status === 201 };
  }

  createDeployment(yaml: string): Promise<ApiDeployment> {
    return this.request('/v1/deployments', {
      method: 'POST',
      body: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
  }

  createRun(body: CreateRunRequest): Promise<ApiRun> {
    return this.request('/v1/runs', { method: 'POST', json: body });
  }

  getRun(id: string): Promise<ApiRun> {
    return this.request(`/v1/runs/${id}`);
  }

  getRunResults(id: string): Promise<ApiRunResults> {
    return this.request(`/v1/runs/${id}/results`);
  }

  getDevice(id: string): Promise<ApiDevice> {
    return this.request(`/v1/devices/${id}`);
  }

  listDevices(query: Record<string, string> = {}): Promise<Page<ApiDevice>> {
    return this.request(withQuery('/v1/devices', query));
  }

  /** Runs without their jobs (the list's summaries). */
  listRuns(query: Record<string, string | string[]> = {}): Promise<Page<Omit<ApiRun, 'jobs'>>> {
    return this.request(withQuery('/v1/runs', query));
  }

  /** The stored model file with this content, if any (uploads skip what the service has). */
  async findModel(sha256: string): Promise<ApiModelFile | undefined> {
    const page = await this.request<Page<ApiModelFile>>(withQuery('/v1/models', { sha256, limit: '1' }));
    return page.items[0];
  }

  getArtifact(id: string): Promise<ApiArtifact> {
    return this.request(`/v1/artifacts/${id}`);
  }

  /** Every page of a list route. */
  async listAll<T>(route: string, query: Record<string, string | string[]> = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | null = withQuery(route, { ...query, limit: '100' });
    while (next) {
      const page: Page<T> = await this.request<Page<T>>(next);
      items.push(...page.items);
      next = page.next;
    }
    return items;
  }

  compareRuns(
    runId: string,
    base: { with: string } | { baseline: string },
    limits: { thresholdPct?: number; minDeltaMs?: number } = {},
  ): Promise<RunComparison & { baselineTag: string | null }> {
    const query: Record<string, string> = { ...base };
    if (limits.thresholdPct !== undefined) query.threshold = String(limits.thresholdPct);
    if (limits.minDeltaMs !== undefined) query.minDeltaMs = String(limits.minDeltaMs);
    return this.request(withQuery(`/v1/runs/${runId}/compare`, query));
  }

  setBaseline(runId: string, tag: string): Promise<ApiBaseline> {
    return this.request(`/v1/runs/${runId}/baseline`, { method: 'POST', json: { tag } });
  }

  getBaseline(tag: string): Promise<ApiBaseline> {
    return this.request(`/v1/baselines/${encodeURIComponent(tag)}`);
  }
}

/** A route with a query string (repeated keys for arrays). */
function withQuery(route: string, query: Record<string, string | string[]>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  const text = qs.toString();
  return text ? `${route}?${text}` : route;
}

/** The API's error code from an error body; 'error' when the body is not the API's error shape. */
function codeOf(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? 'error';
  } catch {
    return 'error';
  }
}
