// docs/api-reference.md from the API's own OpenAPI document: the server is built in-process and
// asked for GET /docs/json (as the API tests do); the route table adds who may call each route.
// The dependencies are stand-ins: building the document touches no database, store or queue.
import { allowedScopes, buildServer } from '@mace/api';
import { slug, table } from './markdown.mjs';

const STUB_DEPS = { db: {}, store: {}, queues: {} };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The OpenAPI document and the scopes of each `METHOD /path` ({id} form). */
export async function loadApiDocument() {
  const app = buildServer(STUB_DEPS);
  try {
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    if (res.statusCode !== 200) throw new Error(`GET /docs/json answered ${res.statusCode}`);
    const scopes = new Map();
    for (const r of app.routeTable)
      scopes.set(`${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`, allowedScopes(r.access));
    return { doc: res.json(), scopes };
  } finally {
    await app.close();
  }
}

function refName(ref) {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** A schema in a few words: `string (uuid)`, `"a" \| "b"`, `array of object`, `integer 1..100`. */
export function typeOf(schema) {
  if (!schema) return '';
  if (schema.$ref) return refName(schema.$ref);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  for (const k of ['oneOf', 'anyOf']) if (schema[k]) return schema[k].map(typeOf).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const main = types.filter((t) => t !== 'null');
  let s = main.join(' or ') || 'any';
  if (main.length === 1 && main[0] === 'array') s = `array of ${typeOf(schema.items) || 'any'}`;
  if (schema.format) s += ` (${schema.format})`;
  const lo = schema.minimum ?? schema.minLength ?? schema.minItems;
  const hi = schema.maximum ?? schema.maxLength ?? schema.maxItems;
  if (lo === undefined && schema.exclusiveMinimum !== undefined) s += ` >${schema.exclusiveMinimum}`;
  if (lo !== undefined || hi !== undefined) s += ` ${lo ?? ''}..${hi ?? ''}`;
  if (types.includes('null')) s += ', nullable';
  return s;
}

function detail(schema) {
  const parts = [];
  if (schema.description) parts.push(schema.description);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join('; ');
}

/** Rows of an object's fields; fields of nested objects follow their parent as `parent.field`. */
function fieldRows(schema, prefix = '') {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, s]) => [
    [`\`${prefix}${name}\``, typeOf(s), required.has(name) ? 'yes' : '', detail(s)],
    ...(s.properties ? fieldRows(s, `${prefix}${name}.`) : []),
  ]);
}

function parameterSection(title, params) {
  if (!params.length) return [];
  const rows = params.map((p) => [
    `\`${p.name}\``,
    typeOf(p.schema),
    p.required ? 'yes' : '',
    detail({ ...p.schema, description: p.description ?? p.schema?.description }),
  ]);
  return [`${title}:`, '', table(['name', 'type', 'required', 'notes'], rows), ''];
}

function bodySection(body) {
  if (!body?.content) return [];
  // Media types that share a schema (application/yaml, text/yaml) are listed together.
  const bySchema = new Map();
  for (const [type, media] of Object.entries(body.content)) {
    const key = JSON.stringify(media.schema ?? {});
    if (!bySchema.has(key)) bySchema.set(key, { schema: media.schema ?? {}, types: [] });
    bySchema.get(key).types.push(`\`${type}\``);
  }
  const out = [];
  for (const { schema, types } of bySchema.values()) {
    const head = `Request body (${types.join(', ')}${body.required ? ', required' : ''})`;
    if (schema.properties)
      out.push(`${head}:`, '', table(['field', 'type', 'required', 'notes'], fieldRows(schema)), '');
    else out.push(`${head}: ${typeOf(schema)}.`, '');
  }
  return out;
}

/** Successes as a table with the body's top-level fields; errors on one line (their shape is always the same). */
function responseSection(responses) {
  const entries = Object.entries(responses ?? {});
  const rows = entries
    .filter(([status]) => !/^[45]/.test(status))
    .map(([status, r]) => {
      const types = Object.keys(r.content ?? {});
      const schema = types.length ? r.content[types[0]].schema : undefined;
      const body = schema?.properties
        ? Object.keys(schema.properties)
            .map((k) => `\`${k}\``)
            .join(', ')
        : typeOf(schema);
      const meaning = r.description === 'Default Response' ? 'OK' : r.description;
      return [status, meaning ?? '', types.join(', '), body];
    });
  const errors = entries
    .filter(([status]) => /^[45]/.test(status))
    .map(([status, r]) => `\`${status}\` ${r.description ?? ''}`);
  return [
    'Responses:',
    '',
    table(['status', 'meaning', 'content type', 'body'], rows),
    '',
    ...(errors.length ? [`Errors: ${errors.join(' · ')}.`, ''] : []),
  ];
}

function scopeText(scopes) {
  if (!scopes || scopes.length === 0) return 'public (no token)';
  const names = scopes.map((s) => `\`${s}\``);
  return `token scope ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0]}`;
}

function operationSection(method, path, op, scopes) {
  const params = op.parameters ?? [];
  return [
    `### ${method.toUpperCase()} ${path}`,
    '',
    `${op.summary ?? ''}${op.summary ? ' — ' : ''}${scopeText(scopes)}.`,
    '',
    ...(op.description ? [op.description, ''] : []),
    ...parameterSection(
      'Path parameters',
      params.filter((p) => p.in === 'path'),
    ),
    ...parameterSection(
      'Query parameters',
      params.filter((p) => p.in === 'query'),
    ),
    ...parameterSection(
      'Headers',
      params.filter((p) => p.in === 'header'),
    ),
    ...bodySection(op.requestBody),
    ...responseSection(op.responses),
  ];
}

/** The whole page, deterministic for a given API. */
export function apiReferenceMarkdown({ doc, scopes }) {
  const byTag = new Map((doc.tags ?? []).map((t) => [t.name, { tag: t, ops: [] }]));
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, { tag: { name: tag }, ops: [] });
      byTag.get(tag).ops.push({ method, path, op });
    }
  }
  const groups = [...byTag.values()].filter((g) => g.ops.length);
  const lines = [
    '# API reference',
    '',
    '<!-- Generated by `npm run docs` (scripts/gen-docs.mjs) from the OpenAPI document (GET /docs/json) and the',
    '     route table. Do not edit: test/docs.test.ts fails when it is stale. -->',
    '',
    `${doc.info.title} ${doc.info.version}. Every route, grouped by tag, with who may call it, its parameters and`,
    'its responses. Authentication, the error shape, pagination, log streams and webhooks are explained in',
    '[the API guide](api.md); the live document is served at `/docs/json` (UI at `/docs`).',
    '',
    'A route with a token scope needs `Authorization: Bearer <token>`; without one it answers 401, with a token of',
    'another scope 403. Errors are `{ "error": { "code", "message", "details"? } }`.',
    '',
    '## Contents',
    '',
    ...groups.map(
      (g) => `- [${g.tag.name}](#${slug(g.tag.name)})${g.tag.description ? ` — ${g.tag.description}` : ''}`,
    ),
    '',
  ];
  for (const g of groups) {
    lines.push(`## ${g.tag.name}`, '');
    if (g.tag.description) lines.push(`${g.tag.description}.`, '');
    lines.push(
      table(
        ['method', 'path', 'what'],
        g.ops.map(({ method, path, op }) => [method.toUpperCase(), `\`${path}\``, op.summary ?? '']),
      ),
      '',
    );
    for (const { method, path, op } of g.ops)
      lines.push(...operationSection(method, path, op, scopes.get(`${method.toUpperCase()} ${path}`)));
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}
