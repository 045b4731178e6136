// A local deployment file onto the service: every file it names (model, weights, validation
// inputs; paths relative to the file) is uploaded with its sha256 (POST /v1/models), the YAML is
// rewritten to name the uploads — `sha256:<hex>` in place of each path, the checksum fields set —
// with its comments and layout kept, and submitted (POST /v1/deployments).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError, formatConfigError, parseDeployment } from '@mace/config';
import type { ApiClient } from './api-client.js';
import type { ApiDeployment } from '@mace/protocol';

export interface UploadedFile {
  file: string;
  sha256: string;
  size: number;
  /** false when the service had the same content already (deduplicated) */
  created: boolean;
}

export interface SubmittedDeployment {
  deployment: ApiDeployment;
  uploads: UploadedFile[];
  /** the YAML as submitted */
  yaml: string;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const storeRef = (sha256: string): string => `sha256:${sha256}`;

export async function submitDeploymentFile(
  client: ApiClient,
  deploymentFile: string,
  onUpload: (u: UploadedFile) => void = () => undefined,
): Promise<SubmittedDeployment> {
  const text = await readFile(deploymentFile, 'utf8');
  let config;
  try {
    config = parseDeployment(text, { fileName: deploymentFile });
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(formatConfigError(err));
    throw err;
  }
  const dir = path.dirname(path.resolve(deploymentFile));
  const uploaded = new Map<string, UploadedFile>();
  const upload = async (location: string, expected: string | null, what: string): Promise<string> => {
    if (/^[a-z]+:\/\//i.test(location))
      throw new Error(`${what} is a URL (${location}); only local files can be uploaded`);
    const file = path.resolve(dir, location);
    const known = uploaded.get(file);
    if (known) return known.sha256;
    const sha256 = await sha256File(file).catch((err: Error) => {
      throw new Error(`${what} ${file} cannot be read: ${err.message}`);
    });
    if (expected && expected.toLowerCase() !== sha256)
      throw new Error(
        `${what} ${file} has sha256 ${sha256}, but ${deploymentFile} says ${expected}; update the checksum or the file`,
      );
    // The service deduplicates anyway; asking first saves sending a large file again.
    const stored = await client.findModel(sha256);
    const { model, created } = stored ? { model: stored, created: false } : await client.uploadModel(file, sha256);
    const u: UploadedFile = { file, sha256: model.sha256, size: model.size, created };
    uploaded.set(file, u);
    onUpload(u);
    return u.sha256;
  };

  const doc = parseDocument(text);
  for (const m of config.models) {
    const at = ['models', m.tag];
    const modelSha = await upload(m.modelFilePath, m.modelSha256Checksum, `model ${m.tag}`);
    doc.setIn([...at, 'model_file_path'], storeRef(modelSha));
    doc.setIn([...at, 'model_sha256_checksum'], modelSha);
    if (m.weightFilePath) {
      const weightSha = await upload(m.weightFilePath, m.weightSha256Checksum, `weights of ${m.tag}`);
      doc.setIn([...at, 'weight_file_path'], storeRef(weightSha));
      doc.setIn([...at, 'weight_sha256_checksum'], weightSha);
    }
    // subgraph fields sit under `subgraphs: [...]`, or directly under the model (older files)
    const hasSubgraphs = doc.hasIn([...at, 'subgraphs']);
    for (const [i, sg] of m.subgraphs.entries()) {
      if (sg.validationInputsData.length === 0) continue;
      const field = [...at, ...(hasSubgraphs ? ['subgraphs', i] : []), 'validation_inputs_data'];
      const refs: string[] = [];
      for (const input of sg.validationInputsData)
        refs.push(storeRef(await upload(input, null, `validation input of ${m.tag}`)));
      doc.setIn(field, typeof doc.getIn(field) === 'string' ? refs.join(',') : refs);
    }
  }
  const yaml = doc.toString();
  const deployment = await client.createDeployment(yaml);
  return { deployment, uploads: [...uploaded.values()], yaml };
}
