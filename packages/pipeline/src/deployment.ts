// The deployment a job works on, parsed again from the stored YAML (the typed form the job needs).
import { ConfigError, parseDeployment, type DeploymentConfig, type ModelConfig } from '@mace/config';
import type { Db } from '@mace/db';
import { UserJobError } from './errors.js';

export async function loadRunDeployment(
  db: Db,
  runId: string,
): Promise<{ deploymentId: string; config: DeploymentConfig }> {
  const run = await db.run.findUniqueOrThrow({
    where: { id: runId },
    include: { deployment: { select: { id: true, yaml: true } } },
  });
  try {
    return { deploymentId: run.deployment.id, config: parseDeployment(run.deployment.yaml) };
  } catch (err) {
    if (err instanceof ConfigError) throw new UserJobError(`the deployment file no longer parses: ${err.message}`);
    throw err;
  }
}

export function findModel(config: DeploymentConfig, tag: string | null | undefined): ModelConfig {
  const model = config.models.find((m) => m.tag === tag);
  if (!model)
    throw new UserJobError(
      `the deployment has no model "${String(tag)}" (models: ${config.models.map((m) => m.tag).join(', ')})`,
    );
  return model;
}
