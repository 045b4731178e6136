// From a deployment file to converted models on disk: resolves each model file (local path
// relative to the deployment file, or http(s) with the checksum enforced), verifies checksums,
// converts it and writes <out>/<library_name>/model/<tag>.{mace,data} plus the op-coverage report.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  ConfigError,
  formatConfigError,
  parseDeploymentFile,
  type DeploymentConfig,
  type ModelConfig,
} from '@mace/config';
import { convert, convertOptionsFor, formatCoverage, ConversionError, type ConvertResult } from '@mace/converter';
import { UserError } from './command.js';

export interface LoadedDeployment {
  config: DeploymentConfig;
  path: string;
  dir: string;
}

export async function loadDeployment(path: string): Promise<LoadedDeployment> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UserError(`deployment file ${path} does not exist`);
  try {
    const config = await parseDeploymentFile(abs);
    for (const w of config.warnings ?? []) process.stderr.write(`warning: ${path}: ${w.path}: ${w.message}\n`);
    return { config, path: abs, dir: dirname(abs) };
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(formatConfigError(err));
    throw err;
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Resolves a path from the deployment file: relative paths are relative to the file. */
export function resolvePath(dep: LoadedDeployment, p: string): string {
  return isAbsolute(p) ? p : join(dep.dir, p);
}

/** Reads a local or http(s) file; a given checksum must match. */
export async function fetchChecked(
  dep: LoadedDeployment,
  location: string,
  expected: string | null,
  what: string,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (/^https?:\/\//.test(location)) {
    if (!expected)
      throw new UserError(`${what} is a URL (${location}); give its sha256 checksum in the deployment file`);
    const cached = join(homedir(), '.cache/mace/downloads', expected);
    if (existsSync(cached)) return readFileSync(cached);
    let res: Response;
    try {
      res = await fetch(location);
    } catch (err) {
      throw new UserError(
        `cannot download ${what} from ${location}: ${(err as Error).message}; download it yourself and give a local path`,
      );
    }
    if (!res.ok) throw new UserError(`cannot download ${what} from ${location}: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
    const got = sha256(bytes);
    if (got !== expected)
      throw new UserError(
        `${what} downloaded from ${location} has sha256 ${got}, the deployment file expects ${expected}`,
      );
    mkdirSync(dirname(cached), { recursive: true });
    writeFileSync(cached, bytes);
    return bytes;
  }
  const path = resolvePath(dep, location);
  if (!existsSync(path)) throw new UserError(`${what} ${path} does not exist`);
  bytes = readFileSync(path);
  if (expected) {
    const got = sha256(bytes);
    if (got !== expected.toLowerCase())
      throw new UserError(
        `${what} ${path} has sha256 ${got}, but the deployment file says ${expected}; update the checksum or the file`,
      );
  }
  return bytes;
}

export interface ConvertedModel {
  tag: string;
  model: ModelConfig;
  modelBytes: Uint8Array;
  result: ConvertResult;
  macePath: string;
  dataPath: string;
}

export async function convertModel(dep: LoadedDeployment, model: ModelConfig, outDir: string): Promise<ConvertedModel> {
  if (model.platform !== 'onnx')
    throw new UserError(
      `model ${model.tag}: platform ${model.platform} is not supported yet; convert it to ONNX first`,
    );
  if (model.subgraphs.length !== 1)
    throw new UserError(`model ${model.tag}: ${model.subgraphs.length} subgraphs given; exactly one is supported`);
  const modelBytes = await fetchChecked(
    dep,
    model.modelFilePath,
    model.modelSha256Checksum,
    `model file of ${model.tag}`,
  );
  let result: ConvertResult;
  try {
    result = convert(modelBytes, convertOptionsFor(model));
  } catch (err) {
    if (err instanceof ConversionError) throw new UserError(`model ${model.tag}: conversion failed: ${err.message}`);
    throw err;
  }
  const dir = join(outDir, dep.config.libraryName, 'model');
  mkdirSync(dir, { recursive: true });
  const macePath = join(dir, `${model.tag}.mace`);
  const dataPath = join(dir, `${model.tag}.data`);
  writeFileSync(macePath, result.mace);
  writeFileSync(dataPath, result.data);
  writeFileSync(join(dir, `${model.tag}.coverage.txt`), formatCoverage(result.coverage) + '\n');
  writeFileSync(join(dir, `${model.tag}.coverage.json`), JSON.stringify(result.coverage, null, 2) + '\n');
  return { tag: model.tag, model, modelBytes, result, macePath, dataPath };
}
