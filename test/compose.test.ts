// docker-compose.yml and deploy/Dockerfile.* without a Docker engine: the compose file parses,
// every service names an official image (pinned) or a Dockerfile that exists, the Dockerfiles copy
// only paths that exist and start what scripts/start.mjs can start.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Official images the deployment may pull, with the tags it may use. */
const OFFICIAL_IMAGES: Record<string, RegExp> = {
  postgres: /^1[5-7](-bookworm)?$/,
  redis: /^7(\.\d+)?(-bookworm)?$/,
  node: /^20(\.\d+)*-bookworm(-slim)?$/,
};

function checkImage(ref: string): void {
  const [name, tag] = ref.split(':');
  expect(OFFICIAL_IMAGES[name], `image ${ref} is not one of ${Object.keys(OFFICIAL_IMAGES).join(', ')}`).toBeDefined();
  expect(tag, `image ${ref} must pin a tag`).toMatch(OFFICIAL_IMAGES[name]);
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string } | string;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

describe('docker-compose.yml', () => {
  it('has postgres, redis, api, worker and agent', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['agent', 'api', 'postgres', 'redis', 'worker']);
  });

  it('names only official images or Dockerfiles that exist', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(Boolean(s.image) !== Boolean(s.build), `${name}: exactly one of image and build`).toBe(true);
      if (s.image) checkImage(s.image);
      if (s.build) {
        const b = typeof s.build === 'string' ? { context: s.build, dockerfile: 'Dockerfile' } : s.build;
        expect(existsSync(path.join(ROOT, b.context)), `${name}: context ${b.context}`).toBe(true);
        expect(existsSync(path.join(ROOT, b.context, b.dockerfile)), `${name}: ${b.dockerfile}`).toBe(true);
      }
    }
  });

  it('wires the apps to the database, Redis and one shared artifact volume', () => {
    for (const name of ['api', 'worker', 'agent']) {
      const s = compose.services[name];
      expect(s.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/.*@postgres:5432\//);
      expect(s.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(s.volumes).toContain(`artifacts:${s.environment?.ARTIFACT_DIR}`);
      expect(Object.keys(s.depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
    }
    for (const s of Object.values(compose.services))
      for (const v of s.volumes ?? []) expect(Object.keys(compose.volumes)).toContain(v.split(':')[0]);
  });
});

describe('deploy/Dockerfile.*', () => {
  for (const app of ['api', 'worker', 'agent']) {
    it(`Dockerfile.${app}: official base images, existing sources, started through scripts/start.mjs`, () => {
      const text = readFileSync(path.join(ROOT, 'deploy', `Dockerfile.${app}`), 'utf8');
      const lines = text.split('\n').filter((l) => !l.startsWith('#'));
      const froms = lines.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]);
      expect(froms.length).toBeGreaterThan(0);
      for (const f of froms) checkImage(f);
      for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
        const sources = l.split(/\s+/).slice(1, -1);
        for (const s of sources) expect(existsSync(path.join(ROOT, s)), `${app}: COPY ${s}`).toBe(true);
      }
      const cmd = JSON.parse(/^CMD (.*)$/m.exec(text)![1]) as string[];
      expect(cmd).toEqual(['node', 'scripts/start.mjs', app]);
      expect(existsSync(path.join(ROOT, 'scripts/start.mjs'))).toBe(true);
      expect(existsSync(path.join(ROOT, 'apps', app, 'src/main.ts')), `apps/${app}/src/main.ts`).toBe(true);
    });
  }
});
