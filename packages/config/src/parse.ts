// Entry points: parse a deployment file's text (or read it from disk), validate the
// top-level fields and every model, and throw one ConfigError listing all problems found.

import { readFile } from 'node:fs/promises';
import { items, toEnum, toStr, toStrList, type Field } from './coerce.js';
import { ConfigError, Reporter } from './errors.js';
import { warnUnknownKeys } from './keys.js';
import { parseModel } from './model.js';
import { unsafeFileNameReason } from './names.js';
import { describe, entry, isNull, loadYaml, type YMap } from './tree.js';
import {
  DEFAULTS,
  MODEL_FORMATS,
  TARGET_ABIS,
  type ConfigIssue,
  type DeploymentConfig,
  type ModelConfig,
  type ModelFormat,
} from './types.js';

export interface ParseOptions {
  /** Used in issue locations (`file:line:col`). */
  fileName?: string;
}

/** Parses a deployment file (YAML, or JSON). Throws ConfigError listing every problem found. */
export function parseDeployment(text: string, options: ParseOptions = {}): DeploymentConfig {
  const { fileName } = options;
  const loaded = loadYaml(text);
  if (loaded.errors.length > 0) throw new ConfigError(loaded.errors, { fileName, warnings: loaded.warnings });
  const rep = new Reporter();
  rep.warnings.push(...loaded.warnings);
  const root = loaded.root;
  if (root === null || isNull(root)) {
    rep.error('', 'the document is empty; expected a mapping with library_name and models', { line: 1, column: 1 });
  } else if (root.kind !== 'map') {
    rep.error('', `expected a mapping with library_name and models at the top level, got ${describe(root)}`, root.pos);
  }
  if (rep.errors.length > 0 || root?.kind !== 'map')
    throw new ConfigError(rep.errors, { fileName, warnings: rep.warnings });

  const config = parseTop(root, rep);
  config.raw = loaded.raw;
  config.warnings = bySource(rep.warnings);
  if (rep.errors.length > 0) throw new ConfigError(bySource(rep.errors), { fileName, warnings: config.warnings });
  return config;
}

/** Issues in source order (stable; issues without a position first). */
function bySource(issues: ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.column ?? 0) - (b.issue.column ?? 0) || a.i - b.i,
    )
    .map((x) => x.issue);
}

/** Reads and parses a deployment file; a file that cannot be read is reported as a ConfigError too. */
export async function parseDeploymentFile(path: string): Promise<DeploymentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read file: ${(e as Error).message}` }], { fileName: path });
  }
  return parseDeployment(text, { fileName: path });
}

function parseTop(root: YMap, rep: Reporter): DeploymentConfig {
  warnUnknownKeys(root, '', 'top', rep);
  const get = (key: string): Field | undefined => {
    const e = entry(root, key);
    return e && !isNull(e.value) ? { node: e.value, path: key } : undefined;
  };
  const missing = (key: string): void => {
    const e = entry(root, key);
    rep.error(key, e ? 'must not be empty' : 'missing required field', e ? e.keyPos : root.pos);
  };

  let libraryName = '';
  const libF = get('library_name');
  if (!libF) missing('library_name');
  else {
    libraryName = toStr(libF, rep) ?? '';
    const why = libraryName ? unsafeFileNameReason(libraryName) : undefined;
    if (why) rep.error(libF.path, `${JSON.stringify(libraryName)} ${why}`, libF.node.pos);
  }

  let targetAbis = [...DEFAULTS.targetAbis];
  const abisF = get('target_abis');
  if (abisF) {
    const abis = toStrList(abisF, rep, { split: true })?.map((a) => a.toLowerCase());
    if (abis && abis.length === 0) rep.error(abisF.path, 'must list at least one ABI', abisF.node.pos);
    if (abis) targetAbis = abis;
    for (const it of items(abisF)) {
      if (it.node.kind !== 'scalar') continue; // already reported by toStrList
      for (const abi of it.node.text
        .split(',')
        .map((a) => a.trim().toLowerCase())
        .filter((a) => a !== '')) {
        if (!TARGET_ABIS.includes(abi)) {
          rep.error(
            it.path,
            `unknown ABI ${JSON.stringify(abi)}; expected one of ${TARGET_ABIS.join(', ')}`,
            it.node.pos,
          );
        }
      }
    }
  }

  const socsF = get('target_socs');
  const targetSocs = (socsF && toStrList(socsF, rep, { split: true }))?.map((s) => s.toLowerCase()) ?? [];

  const format = (key: string): ModelFormat => {
    const f = get(key);
    return (f && toEnum(f, rep, MODEL_FORMATS, { normalize: (s) => s.toLowerCase() })) || DEFAULTS.modelFormat;
  };
  const modelGraphFormat = format('model_graph_format');
  const modelDataFormat = format('model_data_format');
  if (modelGraphFormat === 'file' && modelDataFormat === 'code') {
    const f = get('model_data_format')!;
    rep.error(f.path, 'must be file when model_graph_format is file', f.node.pos);
  }

  const models: ModelConfig[] = [];
  const modelsF = get('models');
  if (!modelsF) missing('models');
  else if (modelsF.node.kind !== 'map') {
    rep.error(
      'models',
      `expected a mapping of model tag to model settings, got ${describe(modelsF.node)}`,
      modelsF.node.pos,
    );
  } else {
    if (modelsF.node.entries.length === 0) rep.error('models', 'must contain at least one model', modelsF.node.pos);
    for (const e of modelsF.node.entries) {
      const m = parseModel(e, { modelGraphFormat }, rep);
      if (m) models.push(m);
    }
  }

  return {
    libraryName,
    targetAbis,
    targetSocs,
    modelGraphFormat,
    modelDataFormat,
    models,
    raw: undefined,
    warnings: rep.warnings,
  };
}
