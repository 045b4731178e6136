// Tolerant value coercion for deployment-file fields: scalars where lists are expected,
// numbers and booleans written as strings, shapes and ranges as "a,b,c" or YAML lists.
// Every function reports problems to the Reporter and returns undefined on failure.

import type { Reporter } from './errors.js';
import { describe, indexPath, type YNode } from './tree.js';

/** A node together with its field path, e.g. `models.m.subgraphs[0].input_shapes`. */
export interface Field {
  node: YNode;
  path: string;
}

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** The items of a list field; a scalar counts as a one-item list at the same path. */
export function items(f: Field): Field[] {
  if (f.node.kind === 'seq') return f.node.items.map((node, i) => ({ node, path: indexPath(f.path, i) }));
  return [f];
}

export function toStr(f: Field, rep: Reporter): string | undefined {
  const n = f.node;
  if (n.kind !== 'scalar') {
    rep.error(f.path, `expected a string, got ${describe(n)}`, n.pos);
    return undefined;
  }
  if (n.value === null || n.text.trim() === '') {
    rep.error(f.path, 'must not be empty', n.pos);
    return undefined;
  }
  return n.text;
}

/** Scalar or list of scalars. With `split`, scalars are also split on commas (`a,b`). */
export function toStrList(f: Field, rep: Reporter, opts: { split?: boolean } = {}): string[] | undefined {
  if (f.node.kind === 'map') {
    rep.error(f.path, `expected a string or a list of strings, got ${describe(f.node)}`, f.node.pos);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  for (const it of items(f)) {
    const s = toStr(it, rep);
    if (s === undefined) ok = false;
    else if (opts.split)
      out.push(
        ...s
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== ''),
      );
    else out.push(s);
  }
  return ok ? out : undefined;
}

export function toBool(f: Field, rep: Reporter): boolean | undefined {
  const n = f.node;
  if (n.kind === 'scalar') {
    if (typeof n.value === 'boolean') return n.value;
    const word = n.text.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  rep.error(f.path, `expected a boolean (0, 1, true or false), got ${describe(n)}`, n.pos);
  return undefined;
}

export function toInt(f: Field, rep: Reporter, opts: { min?: number } = {}): number | undefined {
  const n = f.node;
  const text = n.kind === 'scalar' ? n.text.trim() : '';
  if (n.kind !== 'scalar' || !INT_RE.test(text)) {
    rep.error(f.path, `expected an integer, got ${describe(n)}`, n.pos);
    return undefined;
  }
  const v = Number.parseInt(text, 10);
  if (opts.min !== undefined && v < opts.min) {
    rep.error(f.path, `must be at least ${opts.min}, got ${v}`, n.pos);
    return undefined;
  }
  return v;
}

export function toNumber(f: Field, rep: Reporter): number | undefined {
  const n = f.node;
  if (n.kind === 'scalar' && typeof n.value === 'number' && Number.isFinite(n.value)) return n.value;
  if (n.kind === 'scalar' && NUM_RE.test(n.text.trim())) return Number(n.text.trim());
  rep.error(f.path, `expected a number, got ${describe(n)}`, n.pos);
  return undefined;
}

export interface EnumOptions {
  /** Applied to the written text before lookup (e.g. lower-casing). */
  normalize?: (s: string) => string;
  /** Accepted spellings mapped to their canonical value, e.g. cpu_gpu → cpu+gpu. */
  aliases?: Record<string, string>;
}

export function toEnum<T extends string>(
  f: Field,
  rep: Reporter,
  allowed: readonly T[],
  opts: EnumOptions = {},
): T | undefined {
  const n = f.node;
  if (n.kind === 'scalar' && n.value !== null) {
    let s = n.text.trim();
    if (opts.normalize) s = opts.normalize(s);
    if (opts.aliases && s in opts.aliases) s = opts.aliases[s]!;
    if ((allowed as readonly string[]).includes(s)) return s as T;
  }
  rep.error(f.path, `expected one of ${allowed.join(', ')}; got ${describe(n)}`, n.pos);
  return undefined;
}

// ---- shapes -------------------------------------------------------------------------

function isIntLike(n: YNode): boolean {
  if (n.kind !== 'scalar' || n.value === null) return false;
  if (typeof n.value === 'number') return Number.isInteger(n.value);
  return INT_RE.test(n.text.trim());
}

function checkDims(dims: number[], f: Field, rep: Reporter, shown: string): number[] | undefined {
  if (dims.some((d) => d <= 0)) {
    rep.error(f.path, `dimensions must be positive integers, got ${shown}`, f.node.pos);
    return undefined;
  }
  return dims;
}

/** One shape: `"1,224,224,3"`, `1,224,224,3`, `[1, 224, 224, 3]`, a single integer, or `""` (a scalar). */
export function toShape(f: Field, rep: Reporter): number[] | undefined {
  const n = f.node;
  if (n.kind === 'seq') {
    if (!n.items.every(isIntLike)) {
      rep.error(f.path, 'expected a list of integers', n.pos);
      return undefined;
    }
    const dims = n.items.map((it) => Number.parseInt((it as { text: string }).text, 10));
    return checkDims(dims, f, rep, `[${dims.join(', ')}]`);
  }
  if (n.kind === 'map' || n.value === null) {
    rep.error(f.path, `expected comma-separated integers, got ${describe(n)}`, n.pos);
    return undefined;
  }
  let s = n.text.replace(/\s+/g, '');
  if (/^\[.*\]$/.test(s)) s = s.slice(1, -1);
  if (s === '') return [];
  const parts = s.split(',');
  if (!parts.every((p) => INT_RE.test(p))) {
    rep.error(f.path, `expected comma-separated integers, got ${JSON.stringify(n.text)}`, n.pos);
    return undefined;
  }
  return checkDims(
    parts.map((p) => Number.parseInt(p, 10)),
    f,
    rep,
    JSON.stringify(n.text),
  );
}

/**
 * A list of shapes. A list made only of integers is read as ONE shape (`[1, 224, 224, 3]`)
 * unless there are several tensors and exactly one integer per tensor (1-D shapes).
 */
export function toShapeList(f: Field, rep: Reporter, tensorCount: number): number[][] | undefined {
  const n = f.node;
  if (n.kind === 'map') {
    rep.error(f.path, `expected a shape or a list of shapes, got ${describe(n)}`, n.pos);
    return undefined;
  }
  if (
    n.kind === 'seq' &&
    n.items.length > 0 &&
    n.items.every(isIntLike) &&
    (tensorCount <= 1 || n.items.length !== tensorCount)
  ) {
    const one = toShape(f, rep);
    return one ? [one] : undefined;
  }
  const out: number[][] = [];
  let ok = true;
  for (const it of items(f)) {
    const s = toShape(it, rep);
    if (s) out.push(s);
    else ok = false;
  }
  return ok ? out : undefined;
}

// ---- ranges -------------------------------------------------------------------------

function isNumLike(n: YNode): boolean {
  if (n.kind !== 'scalar' || n.value === null) return false;
  return typeof n.value === 'number' || NUM_RE.test(n.text.trim());
}

function checkRange(r: [number, number], f: Field, rep: Reporter): [number, number] | undefined {
  if (r[0] > r[1]) {
    rep.error(f.path, `range minimum ${r[0]} is greater than maximum ${r[1]}`, f.node.pos);
    return undefined;
  }
  return r;
}

/** One range: `-1.0,1.0`, `"0, 255"` or `[-1, 1]`. */
export function toRange(f: Field, rep: Reporter): [number, number] | undefined {
  const n = f.node;
  const bad = (): undefined => {
    rep.error(f.path, `expected two comma-separated numbers "min,max", got ${describe(n)}`, n.pos);
    return undefined;
  };
  if (n.kind === 'seq') {
    if (n.items.length !== 2 || !n.items.every(isNumLike)) return bad();
    const [a, b] = n.items.map((it) => Number((it as { text: string }).text.trim()));
    return checkRange([a!, b!], f, rep);
  }
  if (n.kind === 'map' || n.value === null) return bad();
  let s = n.text.replace(/\s+/g, '');
  if (/^\[.*\]$/.test(s)) s = s.slice(1, -1);
  const parts = s.split(',');
  if (parts.length !== 2 || !parts.every((p) => NUM_RE.test(p))) return bad();
  return checkRange([Number(parts[0]), Number(parts[1])], f, rep);
}

/** A list of ranges; a list of plain numbers (`[-1, 1]`) is one range. */
export function toRangeList(f: Field, rep: Reporter): [number, number][] | undefined {
  const n = f.node;
  if (n.kind === 'map') {
    rep.error(f.path, `expected a range or a list of ranges, got ${describe(n)}`, n.pos);
    return undefined;
  }
  if (n.kind === 'seq' && n.items.length > 0 && n.items.every(isNumLike)) {
    const one = toRange(f, rep);
    return one ? [one] : undefined;
  }
  const out: [number, number][] = [];
  let ok = true;
  for (const it of items(f)) {
    const r = toRange(it, rep);
    if (r) out.push(r);
    else ok = false;
  }
  return ok ? out : undefined;
}
