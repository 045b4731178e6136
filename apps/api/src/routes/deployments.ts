// Deployments: a MACE deployment file submitted as YAML (application/yaml, text/yaml) or JSON,
// validated by @mace/config (400 with every issue's path, line and column), its models resolved
// by model_sha256_checksum / weight_sha256_checksum against uploaded ModelFiles (422 naming what
// to upload first); list and get.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConfigError, parseDeployment, type DeploymentConfig } from '@mace/config';
import type { Prisma } from '@mace/db';
import type { ApiDeps } from '../deps.js';
import { principalOf, USER } from '../http/auth.js';
import { ApiError, notFound } from '../http/errors.js';
import { newestFirst, paginate, type PageQuery } from '../http/pagination.js';
import { AUTH_ERRORS, BEARER_SECURITY, errors, idParams, listQuery, pageOf } from '../schemas/common.js';
import { deploymentSchema, deploymentSummarySchema } from '../schemas/resources.js';
import { deploymentJson, deploymentSummaryJson } from '../serialize.js';

const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml', 'text/x-yaml'];
const WITH_MODELS = {
  models: { include: { modelFile: true }, orderBy: [{ modelTag: 'asc' }, { role: 'asc' }] },
} satisfies Prisma.DeploymentInclude;

/** The submitted text of a deployment request body, kept so issues point into what was sent. */
const submittedText = new WeakMap<FastifyRequest, string>();

interface Wanted {
  tag: string;
  role: 'model' | 'weights';
  field: string;
  sha256: string | null;
  path: string;
}

function wantedFiles(config: DeploymentConfig): Wanted[] {
  const out: Wanted[] = [];
  for (const m of config.models) {
    out.push({
      tag: m.tag,
      role: 'model',
      field: `models.${m.tag}.model_sha256_checksum`,
      sha256: m.modelSha256Checksum,
      path: m.modelFilePath,
    });
    if (m.weightFilePath) {
      out.push({
        tag: m.tag,
        role: 'weights',
        field: `models.${m.tag}.weight_sha256_checksum`,
        sha256: m.weightSha256Checksum,
        path: m.weightFilePath,
      });
    }
  }
  return out;
}

export async function deploymentRoutes(app: FastifyInstance, { db }: ApiDeps): Promise<void> {
  // In this plugin's scope only: YAML bodies arrive as text, and JSON bodies keep their text too.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    submittedText.set(request, body as string);
    parseJson(request, body as string, done);
  });
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (request, body, done) => {
    submittedText.set(request, body as string);
    done(null, body);
  });

  const yamlBody = { schema: { type: 'string', minLength: 1, description: 'a MACE deployment file' } };
  app.post(
    '/v1/deployments',
    {
      config: { access: USER },
      schema: {
        tags: ['deployments'],
        summary: 'Submit a deployment file (YAML or JSON)',
        description:
          'Validated by @mace/config: problems → 400 with details.issues [{ path, message, line, column }]. ' +
          'Each model (and weight file) is found by its sha256 checksum among uploaded model files; ' +
          'one not uploaded yet → 422 naming the model tag and checksum.',
        security: BEARER_SECURITY,
        body: {
          content: {
            'application/yaml': yamlBody,
            'text/yaml': yamlBody,
            'application/json': {
              schema: { type: 'object', description: 'the deployment file as JSON (same fields as the YAML)' },
            },
          },
        },
        response: { 201: deploymentSchema, ...errors(400, ...AUTH_ERRORS, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const text = submittedText.get(request);
      if (text === undefined) {
        throw new ApiError(
          415,
          'unsupported_media_type',
          'send the deployment file as application/yaml, text/yaml or application/json',
        );
      }
      let config: DeploymentConfig;
      try {
        config = parseDeployment(text, { fileName: 'deployment' });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const first = err.issues[0];
        const where = first?.line !== undefined ? `line ${first.line}, column ${first.column}: ` : '';
        const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more problems)` : '';
        throw new ApiError(
          400,
          'invalid_deployment',
          `${where}${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}${more}`,
          {
            details: { issues: err.issues, warnings: err.warnings },
          },
        );
      }

      const wanted = wantedFiles(config);
      const checksums = [...new Set(wanted.map((w) => w.sha256).filter((s): s is string => s !== null))];
      const files = await db.modelFile.findMany({
        where: { sha256: { in: checksums } },
        select: { id: true, sha256: true },
      });
      const bySha = new Map(files.map((f) => [f.sha256, f.id]));
      const missing = wanted.filter((w) => w.sha256 === null || !bySha.has(w.sha256));
      if (missing.length > 0) {
        const lines = missing.map((w) =>
          w.sha256 === null
            ? `${w.field} is not set (the server finds ${w.role} files by checksum)`
            : `model ${w.tag}: upload ${w.path} (sha256 ${w.sha256}) with POST /v1/models first`,
        );
        throw new ApiError(422, 'model_not_uploaded', lines.join('; '), {
          details: {
            missing: missing.map(({ tag, role, field, sha256, path }) => ({ tag, role, field, sha256, path })),
          },
        });
      }

      const created = await db.deployment.create({
        data: {
          libraryName: config.libraryName,
          yaml: text,
          config: JSON.parse(JSON.stringify(config)) as Prisma.InputJsonValue,
          createdById: principalOf(request).userId,
          models: {
            create: wanted.map((w) => ({ modelTag: w.tag, role: w.role, modelFileId: bySha.get(w.sha256!)! })),
          },
        },
        include: WITH_MODELS,
      });
      return reply.code(201).send(deploymentJson(created));
    },
  );

  app.get<{ Querystring: PageQuery & { libraryName?: string } }>(
    '/v1/deployments',
    {
      config: { access: USER },
      schema: {
        tags: ['deployments'],
        summary: 'List deployments (newest first)',
        security: BEARER_SECURITY,
        querystring: listQuery({ libraryName: { type: 'string', minLength: 1 } }),
        response: { 200: pageOf(deploymentSummarySchema), ...errors(400, ...AUTH_ERRORS) },
      },
    },
    async (request, reply) =>
      paginate(
        request,
        reply,
        request.query,
        (page) =>
          db.deployment.findMany({
            ...newestFirst({ libraryName: request.query.libraryName }, page),
            include: WITH_MODELS,
          }),
        deploymentSummaryJson,
      ),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/deployments/:id',
    {
      config: { access: USER },
      schema: {
        tags: ['deployments'],
        summary: 'Get a deployment with its file and parsed configuration',
        security: BEARER_SECURITY,
        params: idParams,
        response: { 200: deploymentSchema, ...errors(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const row = await db.deployment.findUnique({ where: { id: request.params.id }, include: WITH_MODELS });
      if (!row) throw notFound('deployment', request.params.id);
      return deploymentJson(row);
    },
  );
}
