// Source loading: turns YAML (or JSON) text into a small position-carrying tree
// (YNode) with aliases and `<<` merge keys resolved, and builds field paths.

import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { ConfigIssue } from './types.js';
import { Reporter, type Pos } from './errors.js';

export type YNode = YMap | YSeq | YScalar;

export interface YEntry {
  key: string;
  keyPos?: Pos;
  value: YNode;
}

export interface YMap {
  kind: 'map';
  entries: YEntry[];
  pos?: Pos;
}

export interface YSeq {
  kind: 'seq';
  items: YNode[];
  pos?: Pos;
}

export interface YScalar {
  kind: 'scalar';
  /** The resolved value: string, number, boolean or null. */
  value: unknown;
  /** Text as written for plain scalars (so `007` or `1e5` stay as typed), else String(value). */
  text: string;
  pos?: Pos;
}

export interface LoadResult {
  root: YNode | null;
  raw: unknown;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

const MAX_ALIAS_DEPTH = 64;

/** Parses text as a single YAML document; JSON is accepted since JSON is YAML. */
export function loadYaml(text: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const rep = new Reporter();
  const posOf = (offset: number): Pos => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  for (const e of doc.errors) rep.error('', e.message, posOf(e.pos[0]));
  for (const w of doc.warnings) rep.warn('', w.message, posOf(w.pos[0]));
  if (rep.errors.length > 0) return { root: null, raw: undefined, ...issues(rep) };

  // toJS first: its alias-count limit stops "billion laughs" documents before we expand them.
  let raw: unknown;
  let jsError: Error | undefined;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    jsError = e as Error;
    if (/excessive alias count/i.test(jsError.message)) {
      rep.error('', `cannot expand document: ${jsError.message}`);
      return { root: null, raw: undefined, ...issues(rep) };
    }
  }
  const conv = new Converter(doc, posOf, rep);
  const root = doc.contents ? conv.node(doc.contents as YamlNode, 0) : null;
  // Other toJS failures (e.g. unresolved aliases) are normally reported with a position above.
  if (jsError && rep.errors.length === 0) rep.error('', `cannot expand document: ${jsError.message}`);
  return { root: rep.errors.length > 0 ? null : root, raw, ...issues(rep) };
}

function issues(rep: Reporter): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  return { errors: rep.errors, warnings: rep.warnings };
}

class Converter {
  private readonly active = new Set<YamlNode>();

  constructor(
    private readonly doc: Document,
    private readonly posOf: (offset: number) => Pos,
    private readonly rep: Reporter,
  ) {}

  private rangePos(n: { range?: [number, number, number] | null }): Pos | undefined {
    return n.range ? this.posOf(n.range[0]) : undefined;
  }

  node(n: YamlNode | null | undefined, depth: number, fallbackPos?: Pos): YNode {
    if (n == null) return { kind: 'scalar', value: null, text: '', pos: fallbackPos };
    if (isAlias(n)) {
      const pos = this.rangePos(n);
      const target = n.resolve(this.doc);
      if (!target) {
        this.rep.error('', `unresolved alias *${n.source}`, pos);
        return { kind: 'scalar', value: null, text: '', pos };
      }
      if (this.active.has(target as YamlNode)) {
        this.rep.error('', `alias *${n.source} refers to a node that contains it`, pos);
        return { kind: 'scalar', value: null, text: '', pos };
      }
      if (depth >= MAX_ALIAS_DEPTH) {
        this.rep.error('', `aliases nested too deeply at *${n.source}`, pos);
        return { kind: 'scalar', value: null, text: '', pos };
      }
      return { ...this.node(target as YamlNode, depth + 1), pos };
    }
    if (isScalar(n)) {
      const empty = n.range && n.range[0] === n.range[1];
      const pos = empty && fallbackPos ? fallbackPos : (this.rangePos(n) ?? fallbackPos);
      const plain = !n.type || n.type === 'PLAIN';
      const text =
        typeof n.value === 'string'
          ? n.value
          : plain && typeof n.source === 'string'
            ? n.source
            : n.value == null
              ? ''
              : String(n.value);
      return { kind: 'scalar', value: n.value ?? null, text, pos };
    }
    if (isSeq(n) || isMap(n)) {
      // `active` holds the collections being converted, so a self-referencing alias is caught.
      this.active.add(n);
      try {
        if (isMap(n)) return this.map(n.items, this.rangePos(n), depth);
        return { kind: 'seq', items: n.items.map((it) => this.node(it as YamlNode, depth)), pos: this.rangePos(n) };
      } finally {
        this.active.delete(n);
      }
    }
    return { kind: 'scalar', value: null, text: '', pos: this.rangePos(n as YamlNode) };
  }

  private map(pairs: unknown[], pos: Pos | undefined, depth: number): YMap {
    const entries: YEntry[] = [];
    const merged: YEntry[] = [];
    for (const p of pairs) {
      if (!isPair(p)) continue;
      const keyNode = p.key as YamlNode | null;
      const keyPos = keyNode && 'range' in keyNode ? this.rangePos(keyNode) : undefined;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        merged.push(...this.mergeSources(p.value as YamlNode, depth));
        continue;
      }
      const key = isScalar(keyNode)
        ? keyNode.value == null
          ? ''
          : String(keyNode.source ?? keyNode.value)
        : keyNode
          ? String(keyNode)
          : '';
      entries.push({ key, keyPos, value: this.node(p.value as YamlNode | null, depth, keyPos) });
    }
    // YAML merge semantics: explicit keys win, then earlier merge sources win over later ones.
    for (const m of merged) {
      if (!entries.some((e) => e.key === m.key)) entries.push(m);
    }
    return { kind: 'map', entries, pos };
  }

  private mergeSources(value: YamlNode, depth: number): YEntry[] {
    const v = this.node(value, depth);
    const sources = v.kind === 'seq' ? v.items : [v];
    const out: YEntry[] = [];
    for (const s of sources) {
      if (s.kind !== 'map') {
        this.rep.error('', 'merge key "<<" needs a mapping or a list of mappings', s.pos);
        continue;
      }
      for (const e of s.entries) if (!out.some((o) => o.key === e.key)) out.push(e);
    }
    return out;
  }
}

// ---- navigation helpers -------------------------------------------------------------

export function entry(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

/** True when the node is an empty / null scalar (`key:` with nothing after it, or `~`). */
export function isNull(n: YNode | undefined): boolean {
  return n === undefined || (n.kind === 'scalar' && n.value === null);
}

export function describe(n: YNode): string {
  if (n.kind === 'map') return 'a mapping';
  if (n.kind === 'seq') return 'a list';
  if (n.value === null) return 'nothing';
  return JSON.stringify(n.text);
}

// ---- field paths --------------------------------------------------------------------

const SIMPLE_KEY = /^[A-Za-z0-9_+-]+$/;

/** `parent.key`, or `parent["odd key"]` for keys that would make the path ambiguous. */
export function keyPath(parent: string, key: string): string {
  if (!SIMPLE_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
