// Prometheus metrics for /metrics (prom-client), one registry per server: HTTP request counts,
// queue depths per queue and state, job durations from finished jobs, devices per state, runs
// per status, plus the process defaults. Gauges are computed when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiDeps } from '../deps.js';
import { DEVICE_KIND_VALUES, DEVICE_STATE_VALUES, RUN_STATUS_VALUES } from '../schemas/resources.js';

/** The BullMQ job states reported as queue depth. */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
/** Seconds; from a quick convert to a long benchmark or tune. */
const JOB_DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
/** Finished jobs read per scrape at most (the rest are read by the next scrape). */
const JOB_BATCH = 5_000;

interface CountingQueue {
  name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status_code'>;
}

export function createMetrics(deps: ApiDeps): ApiMetrics {
  const { db, queues } = deps;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mace_api_' });

  const httpRequests = new Counter({
    name: 'mace_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'mace_queue_jobs',
    help: 'BullMQ jobs per queue and state (waiting, active, delayed, ...)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const devices = await db.device.findMany({ select: { id: true } });
      const list: CountingQueue[] = [
        queues.convert as unknown as CountingQueue,
        queues.build as unknown as CountingQueue,
        ...devices.map((d) => queues.device(d.id) as unknown as CountingQueue),
      ];
      for (const queue of list) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });

  new Gauge({
    name: 'mace_devices',
    help: 'Registered devices by kind and state',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const kind of DEVICE_KIND_VALUES) for (const state of DEVICE_STATE_VALUES) this.set({ kind, state }, 0);
      const groups = await db.device.groupBy({ by: ['kind', 'state'], _count: { _all: true } });
      for (const g of groups) this.set({ kind: g.kind, state: g.state }, g._count._all);
    },
  });

  new Gauge({
    name: 'mace_runs',
    help: 'Runs by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const status of RUN_STATUS_VALUES) this.set({ status }, 0);
      const groups = await db.run.groupBy({ by: ['status'], _count: { _all: true } });
      for (const g of groups) this.set({ status: g.status }, g._count._all);
    },
  });

  // Finished jobs are observed once each: a watermark on finishedAt plus the ids seen at it.
  let watermark: Date | null = null;
  let seenAtWatermark = new Set<string>();
  new Histogram({
    name: 'mace_job_duration_seconds',
    help: 'Duration of finished jobs (started → finished), by kind and terminal status',
    labelNames: ['kind', 'status'] as const,
    buckets: JOB_DURATION_BUCKETS,
    registers: [registry],
    async collect() {
      const jobs = await db.job.findMany({
        where: { startedAt: { not: null }, finishedAt: watermark ? { gte: watermark } : { not: null } },
        select: { id: true, kind: true, status: true, startedAt: true, finishedAt: true },
        orderBy: [{ finishedAt: 'asc' }, { id: 'asc' }],
        take: JOB_BATCH,
      });
      for (const job of jobs) {
        const finished = job.finishedAt!;
        if (watermark && finished.getTime() === watermark.getTime() && seenAtWatermark.has(job.id)) continue;
        this.observe(
          { kind: job.kind, status: job.status },
          Math.max(0, (finished.getTime() - job.startedAt!.getTime()) / 1000),
        );
        if (!watermark || finished.getTime() > watermark.getTime()) {
          watermark = finished;
          seenAtWatermark = new Set();
        }
        seenAtWatermark.add(job.id);
      }
    },
  });

  return { registry, httpRequests };
}
