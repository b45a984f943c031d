// Reads a scenario's YAML into a small tree that keeps, for every value, the file, line and column
// it came from (yaml's LineCounter), plus typed readers that record every problem with its field path
// instead of stopping at the first. It never evaluates anything a file says: tags are refused,
// aliases are resolved with a budget (billion laughs), merge keys are plain keys.

import { Alias, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { closest } from '../policy/suggest.js';
import type { Loc, ScenarioIssue } from './errors.js';

export type PNode = PMap | PSeq | PScalar;

export interface PMap {
  readonly kind: 'map';
  readonly loc: Loc;
  readonly entries: readonly PEntry[];
}

export interface PEntry {
  readonly key: string;
  readonly keyLoc: Loc;
  readonly value: PNode;
}

export interface PSeq {
  readonly kind: 'seq';
  readonly loc: Loc;
  readonly items: readonly PNode[];
}

export interface PScalar {
  readonly kind: 'scalar';
  readonly loc: Loc;
  readonly value: string | number | boolean | null;
  /** The source text of a plain scalar (`013823792818` stays a string of digits). */
  readonly raw: string;
  readonly quoted: boolean;
  /** A literal block (`|`): where its first content line is, to map offsets inside it back to the file. */
  readonly block?: { readonly line: number; readonly indent: number };
}

/** At most this many alias expansions per file (a YAML "billion laughs" stops here). */
const MAX_ALIASES = 1000;
/** Deeper nesting than this is refused (stack safety). */
const MAX_DEPTH = 64;
/** A scenario file larger than this is refused before parsing. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

export class Issues {
  readonly list: ScenarioIssue[] = [];
  error(loc: Loc, path: string, message: string): void {
    this.list.push({ severity: 'error', loc, path, message });
  }
  warn(loc: Loc, path: string, message: string): void {
    this.list.push({ severity: 'warning', loc, path, message });
  }
  get errorCount(): number {
    return this.list.filter((i) => i.severity === 'error').length;
  }
}

/** Parses YAML text into the positioned tree; syntax errors become issues (and no tree). */
export function parseYaml(file: string, text: string, issues: Issues): PNode | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, merge: false, prettyErrors: false, strict: true });
  const at = (offset: number): Loc => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  let ok = true;
  for (const e of doc.errors) {
    ok = false;
    issues.error(at(e.pos[0]), '', `YAML: ${e.message.split('\n')[0] ?? e.message}`);
  }
  for (const w of doc.warnings) issues.warn(at(w.pos[0]), '', `YAML: ${w.message.split('\n')[0] ?? w.message}`);
  if (!ok) return undefined;
  if (doc.contents === null) {
    issues.error({ file, line: 1, column: 1 }, '', 'the file is empty: a scenario is a YAML mapping');
    return undefined;
  }
  const budget = { aliases: 0 };
  return convert(doc, doc.contents as YamlNode, text, at, issues, budget, 0);
}

function convert(
  doc: Document,
  node: YamlNode,
  text: string,
  at: (offset: number) => Loc,
  issues: Issues,
  budget: { aliases: number },
  depth: number,
): PNode {
  const loc = at(node.range?.[0] ?? 0);
  if (depth > MAX_DEPTH) {
    issues.error(loc, '', `nesting deeper than ${MAX_DEPTH} levels`);
    return { kind: 'scalar', loc, value: null, raw: '', quoted: false };
  }
  if (isAlias(node)) {
    if (++budget.aliases > MAX_ALIASES) {
      issues.error(loc, '', `more than ${MAX_ALIASES} alias expansions`);
      return { kind: 'scalar', loc, value: null, raw: '', quoted: false };
    }
    const target = (node as Alias).resolve(doc);
    if (target === undefined) {
      issues.error(loc, '', `unknown alias \`*${(node as Alias).source}\``);
      return { kind: 'scalar', loc, value: null, raw: '', quoted: false };
    }
    return convert(doc, target as YamlNode, text, at, issues, budget, depth + 1);
  }
  if (node.tag !== undefined && !/^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/.test(node.tag)) {
    issues.error(loc, '', `YAML tag \`${node.tag}\` is not supported`);
  }
  if (isMap(node)) {
    const entries: PEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyLoc = keyNode === null ? loc : at(keyNode.range?.[0] ?? 0);
      let key: string;
      if (keyNode !== null && isScalar(keyNode) && (typeof keyNode.value === 'string' || typeof keyNode.value === 'number' || typeof keyNode.value === 'boolean')) {
        key = keyNode.type === 'PLAIN' && keyNode.range !== undefined && keyNode.range !== null ? text.slice(keyNode.range[0], keyNode.range[1]) : String(keyNode.value);
      } else {
        issues.error(keyLoc, '', 'a mapping key must be a plain string');
        continue;
      }
      const valueNode = pair.value as YamlNode | null;
      const value: PNode =
        valueNode === null
          ? { kind: 'scalar', loc: keyLoc, value: null, raw: '', quoted: false }
          : convert(doc, valueNode, text, at, issues, budget, depth + 1);
      entries.push({ key, keyLoc, value });
    }
    return { kind: 'map', loc, entries };
  }
  if (isSeq(node)) {
    const items: PNode[] = [];
    for (const item of node.items) {
      items.push(item === null ? { kind: 'scalar', loc, value: null, raw: '', quoted: false } : convert(doc, item as YamlNode, text, at, issues, budget, depth + 1));
    }
    return { kind: 'seq', loc, items };
  }
  const scalar = node as Scalar;
  const range = scalar.range ?? [0, 0, 0];
  const raw = text.slice(range[0], range[1]);
  let value = scalar.value as unknown;
  if (typeof value === 'bigint') value = Number(value);
  if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    issues.error(loc, '', 'unsupported YAML value');
    value = null;
  }
  const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
  let block: PScalar['block'];
  if (scalar.type === 'BLOCK_LITERAL') {
    const header = at(range[0]).line;
    // The indentation of the first non-empty content line: offsets inside the value map to it.
    const after = text.slice(range[0]).split('\n').slice(1);
    const first = after.find((l) => l.trim() !== '') ?? '';
    const skipped = after.indexOf(first);
    block = { line: header + 1 + Math.max(0, skipped), indent: first.length - first.trimStart().length };
  }
  return { kind: 'scalar', loc, value: value as PScalar['value'], raw, quoted, ...(block === undefined ? {} : { block }) };
}

/** The value as JSON (maps → objects, sequences → arrays). */
export function toJson(node: PNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toJson);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) {
        // INVARIANT: `__proto__` as a key stays data (defineProperty), never a prototype.
        Object.defineProperty(out, e.key, { value: toJson(e.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}

export function describeKind(node: PNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'empty';
  return typeof node.value === 'string' ? 'a string' : typeof node.value === 'number' ? 'a number' : 'a boolean';
}

/** `a.b`, `a[2]`; keys that are not identifiers are quoted: `tags["cost center"]`. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const k = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  return base === '' ? k : `${base}.${k}`;
}

// ---------------------------------------------------------------------------------------------
// Locating a JSON path (the policy validator's `Statement[1].Condition.StringEquals`) in a tree

/**
 * The deepest node a policy-style path reaches: at a mapping, the longest key the path continues
 * with (condition keys contain `.`, `/` and `:`); at a list, `[n]`. A path that stops matching
 * returns the last node it reached.
 */
export function locatePath(root: PNode, path: string): PNode {
  let node = root;
  let rest = path;
  while (rest.length > 0) {
    if (rest.startsWith('.')) rest = rest.slice(1);
    if (node.kind === 'seq') {
      const m = /^\[(\d+)\]/.exec(rest);
      if (m === null) return node;
      const item = node.items[Number(m[1])];
      if (item === undefined) return node;
      node = item;
      rest = rest.slice(m[0].length);
      continue;
    }
    if (node.kind === 'map') {
      let best: PEntry | undefined;
      for (const e of node.entries) {
        if (!rest.startsWith(e.key)) continue;
        const next = rest[e.key.length];
        if (next !== undefined && next !== '.' && next !== '[') continue;
        if (best === undefined || e.key.length > best.key.length) best = e;
      }
      // A single statement written as an object answers `Statement[0]`.
      if (best === undefined) return node;
      node = best.value;
      rest = rest.slice(best.key.length);
      if (node.kind !== 'seq' && /^\[0\]/.test(rest)) rest = rest.slice(3);
      continue;
    }
    return node;
  }
  return node;
}

/** Where an offset inside a literal block scalar is in the file (else the scalar's own place). */
export function locInScalar(scalar: PScalar, text: string, offset: number): Loc {
  if (scalar.block === undefined) return scalar.loc;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const column = offset - (before.lastIndexOf('\n') + 1);
  return { file: scalar.loc.file, line: scalar.block.line + line, column: scalar.block.indent + column + 1 };
}

// ---------------------------------------------------------------------------------------------
// Typed readers

export class MapReader {
  private readonly used = new Set<string>();

  constructor(
    readonly node: PMap,
    readonly path: string,
    readonly issues: Issues,
  ) {}

  get loc(): Loc {
    return this.node.loc;
  }

  entry(key: string): PEntry | undefined {
    this.used.add(key);
    return this.node.entries.find((e) => e.key === key);
  }

  has(key: string): boolean {
    return this.node.entries.some((e) => e.key === key);
  }

  get(key: string): PNode | undefined {
    return this.entry(key)?.value;
  }

  child(key: string): string {
    return fieldPath(this.path, key);
  }

  /** Marks keys as known without reading them (accepted for compatibility, ignored). */
  accept(...keys: string[]): void {
    for (const k of keys) this.used.add(k);
  }

  required(key: string, what: string): PNode | undefined {
    const v = this.get(key);
    if (v === undefined || (v.kind === 'scalar' && v.value === null)) {
      this.issues.error(v?.loc ?? this.node.loc, this.child(key), `required: ${what}`);
      return undefined;
    }
    return v;
  }

  str(key: string, options: { required?: string; nonEmpty?: boolean } = {}): string | undefined {
    const v = options.required === undefined ? this.get(key) : this.required(key, options.required);
    if (v === undefined || (v.kind === 'scalar' && v.value === null && options.required === undefined)) return undefined;
    return readString(v, this.child(key), this.issues, options.nonEmpty ?? true);
  }

  bool(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined || (v.kind === 'scalar' && v.value === null)) return undefined;
    if (v.kind === 'scalar' && typeof v.value === 'boolean') return v.value;
    this.issues.error(v.loc, this.child(key), `must be true or false, not ${describeKind(v)}`);
    return undefined;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.get(key);
    if (v === undefined || (v.kind === 'scalar' && v.value === null)) return undefined;
    if (v.kind === 'scalar' && typeof v.value === 'number' && Number.isInteger(v.value) && v.value >= min && v.value <= max) return v.value;
    this.issues.error(v.loc, this.child(key), `must be an integer from ${min} to ${max}`);
    return undefined;
  }

  map(key: string, options: { required?: string } = {}): MapReader | undefined {
    const v = options.required === undefined ? this.get(key) : this.required(key, options.required);
    if (v === undefined || (v.kind === 'scalar' && v.value === null)) return undefined;
    return readMap(v, this.child(key), this.issues);
  }

  list(key: string): readonly PNode[] {
    const v = this.get(key);
    if (v === undefined || (v.kind === 'scalar' && v.value === null)) return [];
    if (v.kind !== 'seq') {
      this.issues.error(v.loc, this.child(key), `must be a list, not ${describeKind(v)}`);
      return [];
    }
    return v.items;
  }

  /** Reports every key nobody read, with the nearest known key when one is close. */
  finish(extraHint?: Readonly<Record<string, string>>): void {
    const known = [...this.used];
    for (const e of this.node.entries) {
      if (this.used.has(e.key)) continue;
      const hint = extraHint?.[e.key];
      const near = hint === undefined ? closest(e.key, known) : undefined;
      this.issues.error(
        e.keyLoc,
        fieldPath(this.path, e.key),
        hint ?? `unknown field \`${e.key}\`${near === undefined ? `; known here: ${known.map((k) => `\`${k}\``).join(', ')}` : `: did you mean \`${near}\`?`}`,
      );
    }
  }
}

export function readMap(node: PNode, path: string, issues: Issues): MapReader | undefined {
  if (node.kind !== 'map') {
    issues.error(node.loc, path, `must be a mapping, not ${describeKind(node)}`);
    return undefined;
  }
  return new MapReader(node, path, issues);
}

/** A string; numbers and booleans written plain are read as their source text (`013823792818`). */
export function readString(node: PNode, path: string, issues: Issues, nonEmpty = true): string | undefined {
  if (node.kind !== 'scalar' || node.value === null) {
    issues.error(node.loc, path, `must be a string, not ${describeKind(node)}`);
    return undefined;
  }
  const value = typeof node.value === 'string' ? node.value : node.raw;
  if (nonEmpty && value === '') {
    issues.error(node.loc, path, 'must not be empty');
    return undefined;
  }
  return value;
}

/** `{Key: value, …}` with string values (tags, rules configuration). */
export function readStringMap(node: PNode, path: string, issues: Issues): { key: string; value: string; loc: Loc }[] {
  const m = readMap(node, path, issues);
  if (m === undefined) return [];
  const out: { key: string; value: string; loc: Loc }[] = [];
  for (const e of m.node.entries) {
    const v = readString(e.value, fieldPath(path, e.key), issues, false);
    if (v !== undefined) out.push({ key: e.key, value: v, loc: e.keyLoc });
  }
  return out;
}

/** A string, or a list of strings. */
export function readStringList(node: PNode, path: string, issues: Issues): string[] {
  if (node.kind === 'seq') {
    const out: string[] = [];
    node.items.forEach((item, i) => {
      const s = readString(item, fieldPath(path, i), issues);
      if (s !== undefined) out.push(s);
    });
    return out;
  }
  const s = readString(node, path, issues);
  return s === undefined ? [] : [s];
}
