// Issue collection and reporting: ConfigError (thrown with every problem found),
// the Reporter that validators push issues into, and the one-line-per-issue formatter.

import type { ConfigIssue } from './types.js';

/** Source position, 1-based. */
export interface Pos {
  line: number;
  column: number;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly fileName?: string;
  /** Warnings gathered before the errors stopped parsing (unknown keys etc.). */
  readonly warnings: ConfigIssue[];

  constructor(issues: ConfigIssue[], options: { fileName?: string; warnings?: ConfigIssue[] } = {}) {
    const where = options.fileName ?? 'deployment file';
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${where}: ${count}\n${issues.map((i) => formatIssue(i, options.fileName)).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
    this.warnings = options.warnings ?? [];
    if (options.fileName !== undefined) this.fileName = options.fileName;
  }
}

/** `file:line:col: path: message`; parts that are unknown are left out. */
export function formatIssue(issue: ConfigIssue, fileName?: string): string {
  let loc = fileName ?? '<input>';
  if (issue.line !== undefined) {
    loc += `:${issue.line}`;
    if (issue.column !== undefined) loc += `:${issue.column}`;
  }
  return issue.path ? `${loc}: ${issue.path}: ${issue.message}` : `${loc}: ${issue.message}`;
}

/** One line per issue: `file:line:col: path: message`. */
export function formatConfigError(err: ConfigError): string {
  return err.issues.map((i) => formatIssue(i, err.fileName)).join('\n');
}

/** Collects errors and warnings while a document is validated. */
export class Reporter {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];

  error(path: string, message: string, pos?: Pos): void {
    this.errors.push(makeIssue(path, message, pos));
  }

  warn(path: string, message: string, pos?: Pos): void {
    this.warnings.push(makeIssue(path, message, pos));
  }
}

function makeIssue(path: string, message: string, pos?: Pos): ConfigIssue {
  const issue: ConfigIssue = { path, message };
  if (pos) {
    issue.line = pos.line;
    issue.column = pos.column;
  }
  return issue;
}
