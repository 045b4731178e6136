// Shared test helpers: a valid base deployment file and a way to collect the issues of a bad one.

import { ConfigError, parseDeployment, type ConfigIssue } from '../src/index.js';

export const SHA_A = '632bb664547c846e7b4e44fe6a2ff9e35df277eb6440b80d9b559302baab1b8d';
export const SHA_B = '72b912ace512e8621f8ff168a7d72af55910d3c7c9445af8dfbff4c2ee960142';

/** A minimal valid file; `model` lines are inserted (indented 4) under models.mobilenet. */
export function withModel(modelLines: string): string {
  return `library_name: demo
target_abis: [arm64-v8a]
models:
  mobilenet:
    platform: tensorflow
    model_file_path: https://example.com/mobilenet.pb
    model_sha256_checksum: ${SHA_A}
${modelLines}`;
}

/** Parses text that must fail and returns the ConfigError. */
export function errorOf(text: string, fileName?: string): ConfigError {
  try {
    parseDeployment(text, fileName === undefined ? {} : { fileName });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected parseDeployment to throw a ConfigError');
}

export function issuesOf(text: string): ConfigIssue[] {
  return errorOf(text).issues;
}
