// Request decoding: flat form fields → the operation's input object, typed and validated by the
// service model, with AWS's own error wording (awsQuery ValidationError, EC2 MissingParameter /
// InvalidParameterValue). Must never build a RegExp from request input, allocate in proportion to an
// index the client chose, or echo the value of a sensitive member.

import { AwsError, invalidAction, validationError } from '../errors.js';
import type { ListShape, MapShape, MemberRef, Protocol, ServiceModel, Shape, StructureShape } from './types.js';

/** Parameters read per request; the HTTP layer caps the body too. More is refused, not truncated. */
export const MAX_PARAMS = 1000;
/** The largest list index (`Name.member.N`) accepted: lists are bounded before anything is allocated. */
export const MAX_LIST_INDEX = 1000;

// --- Patterns ------------------------------------------------------------------------------------

const patternCache = new Map<string, RegExp>();

/**
 * botocore's patterns are Java regular expressions. Java lets `\` escape any non-letter; a `u`-flag
 * RegExp refuses identity escapes of anything but syntax characters, so those lose the backslash
 * (`\,` → `,`). `\uXXXX` takes exactly four digits in both, so `\u10000-\u10FFFF` means what it means
 * to AWS's Java validator: U+1000, then the range `0`–U+10FF, then `FF` — no supplementary planes.
 */
export function javaPatternToRegExp(pattern: string): RegExp {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  let src = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new Error(`pattern ends with a backslash: ${pattern}`);
      i++;
      if (/[A-Za-z0-9]/.test(n)) src += `\\${n}`;
      else if ('^$\\.*+?()[]{}|/'.includes(n) || (inClass && n === '-')) src += `\\${n}`;
      else src += n;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    src += c;
  }
  // INVARIANT: `pattern` comes from a generated service model, never from a request.
  const re = new RegExp(`^(?:${src})$`, 'u');
  patternCache.set(pattern, re);
  return re;
}

// --- Wire names ----------------------------------------------------------------------------------

const lcfirst = (s: string): string => (s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1));
const ucfirst = (s: string): string => (s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1));

/** awsQuery: `locationName ?? memberName`. EC2: `queryName ?? capitalize(locationName) ?? memberName` (botocore EC2Serializer). */
function wireName(protocol: Protocol, ref: MemberRef, memberName: string): string {
  if (protocol === 'query') return ref.locationName ?? memberName;
  if (ref.queryName !== undefined) return ref.queryName;
  if (ref.locationName !== undefined) return ucfirst(ref.locationName);
  return memberName;
}

interface CompiledMember {
  readonly name: string;
  readonly ref: MemberRef;
  readonly shape: Shape;
  /** Request keys tried in order; EC2 also accepts the lower-case first letter (`dryRun`, aws.md §6.1). */
  readonly keys: readonly string[];
  readonly required: boolean;
  /** The name in awsQuery messages: Coral lowercases only the first letter (`kMSKeyArn`, `roleArn`). */
  readonly queryPath: string;
  /** The name in EC2 messages: `maxResults`, `groupId` — the lowerCamel wire name. */
  readonly ec2Path: string;
}

const compiled = new WeakMap<StructureShape, Map<Protocol, readonly CompiledMember[]>>();

/** Member tables are built once per structure and protocol, so a request does no Object.keys work. */
function membersOf(model: ServiceModel, shape: StructureShape): readonly CompiledMember[] {
  const protocol = model.metadata.protocol;
  let byProtocol = compiled.get(shape);
  const hit = byProtocol?.get(protocol);
  if (hit) return hit;
  const required = new Set(shape.required ?? []);
  const out: CompiledMember[] = [];
  for (const [name, ref] of Object.entries(shape.members)) {
    const target = model.shapes[ref.shape];
    if (!target) throw new Error(`model: unknown shape ${ref.shape}`);
    // A flattened awsQuery list named by its member repeats that name (botocore QuerySerializer).
    const listMember = target.type === 'list' && (ref.flattened || target.flattened) && protocol === 'query' ? target.member.locationName : undefined;
    const key = listMember ?? wireName(protocol, ref, name);
    const keys = protocol === 'ec2' && lcfirst(key) !== key ? [key, lcfirst(key)] : [key];
    out.push({ name, ref, shape: target, keys, required: required.has(name), queryPath: lcfirst(name), ec2Path: lcfirst(key) });
  }
  if (!byProtocol) {
    byProtocol = new Map();
    compiled.set(shape, byProtocol);
  }
  byProtocol.set(protocol, out);
  return out;
}

// --- The parameter tree ----------------------------------------------------------------------------

/** `Tags.member.1.Key=a` becomes Tags → member → 1 → Key(value a). */
interface ParamNode {
  value: string | undefined;
  children: Map<string, ParamNode> | undefined;
}

function isIgnored(key: string): boolean {
  return key === 'Action' || key === 'Version' || (key.length >= 6 && key.slice(0, 6).toLowerCase() === 'x-amz-');
}

function buildTree(params: ReadonlyMap<string, string>): ParamNode {
  const root: ParamNode = { value: undefined, children: new Map() };
  for (const [key, value] of params) {
    if (isIgnored(key)) continue;
    let node = root;
    let start = 0;
    for (;;) {
      const dot = key.indexOf('.', start);
      const seg = dot < 0 ? key.slice(start) : key.slice(start, dot);
      node.children ??= new Map();
      let next = node.children.get(seg);
      if (!next) {
        next = { value: undefined, children: undefined };
        node.children.set(seg, next);
      }
      node = next;
      if (dot < 0) break;
      start = dot + 1;
    }
    node.value = value;
  }
  return root;
}

// --- Problems and their wording ------------------------------------------------------------------------

type Problem =
  | { readonly kind: 'missing'; readonly path: Path }
  | { readonly kind: 'constraint'; readonly path: Path; readonly shown: Shown; readonly query: string; readonly ec2: string };

/** How a failing value is shown: its text, hidden (sensitive), or not at all (lists, structures). */
type Shown = { readonly text: string; readonly integer: boolean } | 'sensitive' | 'none';

/** Where a problem is: the awsQuery message path, the EC2 parameter name and the EC2 wire key. */
interface Path {
  readonly query: string;
  readonly ec2: string;
  readonly wire: string;
}

const join = (a: string, b: string): string => (a === '' ? b : `${a}.${b}`);

/**
 * awsQuery (IAM, STS) wording, as AWS's Coral validator writes it:
 *   `Value 'x' at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64`
 *   [OBS: CloudFormation/IAM `Value '…-production' at 'roleName' … less than or equal to 64`];
 *   `Value null at 'roleName' … Member must not be null` [OBS: Cognito `Value null at 'sub'`];
 * list elements are `tags.1.member.key` [OBS: `outputs.1.member.kinesisStreamsOutput.roleARN`,
 * kinesis-analytics]; a sensitive value is left out — `Value at 'password' …` [OBS: Cognito's
 * sensitive `password`, aws-amplify/amplify-js#3723]. Lists and structures are not echoed either
 * [INF: Coral prints Java's toString of the list].
 */
function queryMessage(p: Problem): string {
  if (p.kind === 'missing') return `Value null at '${p.path.query}' failed to satisfy constraint: Member must not be null`;
  const value = typeof p.shown === 'object' ? `Value '${p.shown.text}'` : 'Value';
  return `${value} at '${p.path.query}' failed to satisfy constraint: Member must ${p.query}`;
}

/**
 * EC2 wording: `The request must contain the parameter ImageId` (MissingParameter, the wire name)
 * [OBS: terraform `The request must contain the parameter PublicKeyMaterial`]; invalid values are
 * `Value ( 1 ) for parameter maxResults is invalid. Expecting a value greater than 5.`
 * [OBS aws/aws-sdk-ruby#2575], `Value () for parameter groupId is invalid. The value cannot be empty`
 * [OBS tungbq/devops-basics#1], `Value (standard) for parameter volumeId is invalid. Expected: 'vol-...'.`
 * [OBS cloudavail/aws-missing-tools#59] — integers inside `( n )`, strings inside `(s)`, the
 * parameter named in lowerCamel. The reason sentences for other constraints are ours [INF].
 */
function ec2Error(p: Problem): AwsError {
  if (p.kind === 'missing') return new AwsError('MissingParameter', `The request must contain the parameter ${p.path.wire}`, 400);
  let value = 'Value';
  if (typeof p.shown === 'object') value = p.shown.integer ? `Value ( ${p.shown.text} )` : `Value (${p.shown.text})`;
  return new AwsError('InvalidParameterValue', `${value} for parameter ${p.path.ec2} is invalid. ${p.ec2}`, 400);
}

// --- Decoding ------------------------------------------------------------------------------------------

interface Ctx {
  readonly model: ServiceModel;
  readonly protocol: Protocol;
  readonly problems: Problem[];
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const ISO8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;
const EPOCH = /^\d{1,12}(?:\.\d{1,9})?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Digits only, no sign or leading zero, at most four of them: checked against MAX_LIST_INDEX next. */
const LIST_INDEX = /^[1-9][0-9]{0,3}$/;

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function parseTimestamp(text: string): Date | undefined {
  if (EPOCH.test(text)) return new Date(Math.round(Number(text) * 1000));
  const m = ISO8601.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as [string, string, string, string, string, string, string, string | undefined, string | undefined];
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  // Date.UTC rolls 2024-02-30 over to March; AWS refuses it, and so do we.
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return new Date(t);
}

function shown(shape: Shape, text: string, integer = false): Shown {
  return shape.sensitive ? 'sensitive' : { text, integer };
}

/** Reads one value of `shape` at `node`; undefined when absent. Problems go to ctx, never thrown here. */
function readValue(ctx: Ctx, shape: Shape, node: ParamNode, path: Path): unknown {
  switch (shape.type) {
    case 'structure':
      return node.children ? readStructure(ctx, shape, node, path) : undefined;
    case 'list':
      return readList(ctx, shape, node, path);
    case 'map':
      return readMap(ctx, shape, node, path);
    default:
      break;
  }
  const text = node.value;
  if (text === undefined) return undefined;
  switch (shape.type) {
    case 'string': {
      const show = shown(shape, text);
      if (shape.pattern !== undefined && !javaPatternToRegExp(shape.pattern).test(text)) {
        ctx.problems.push({ kind: 'constraint', path, shown: show, query: `satisfy regular expression pattern: ${shape.pattern}`, ec2: 'The value has characters that are not allowed.' });
      }
      if (shape.min !== undefined || shape.max !== undefined) {
        const n = codePoints(text);
        if (shape.min !== undefined && n < shape.min) {
          ctx.problems.push({ kind: 'constraint', path, shown: show, query: `have length greater than or equal to ${shape.min}`, ec2: n === 0 ? 'The value cannot be empty' : `Expecting a length greater than or equal to ${shape.min}.` });
        }
        if (shape.max !== undefined && n > shape.max) {
          ctx.problems.push({ kind: 'constraint', path, shown: show, query: `have length less than or equal to ${shape.max}`, ec2: `Expecting a length less than or equal to ${shape.max}.` });
        }
      }
      if (shape.enum !== undefined && !shape.enum.includes(text)) {
        ctx.problems.push({ kind: 'constraint', path, shown: show, query: `satisfy enum value set: [${shape.enum.join(', ')}]`, ec2: 'The value is not one of the accepted values.' });
      }
      return text;
    }
    case 'integer':
    case 'long':
    case 'double': {
      const n = shape.type === 'double' ? parseDouble(text) : parseInteger(text, shape.type);
      if (n === undefined) {
        // INF: no observed AWS wording for a non-numeric awsQuery integer; this keeps Coral's frame.
        ctx.problems.push({ kind: 'constraint', path, shown: shown(shape, text), query: 'be a number', ec2: shape.type === 'double' ? 'Expecting a number.' : 'Expecting an integer.' });
        return undefined;
      }
      const show = shown(shape, text, true);
      if (shape.min !== undefined && n < shape.min) {
        ctx.problems.push({ kind: 'constraint', path, shown: show, query: `have value greater than or equal to ${shape.min}`, ec2: `Expecting a value greater than or equal to ${shape.min}.` });
      }
      if (shape.max !== undefined && n > shape.max) {
        ctx.problems.push({ kind: 'constraint', path, shown: show, query: `have value less than or equal to ${shape.max}`, ec2: `Expecting a value less than or equal to ${shape.max}.` });
      }
      return n;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      ctx.problems.push({ kind: 'constraint', path, shown: shown(shape, text), query: 'be a boolean', ec2: 'Expecting true or false.' });
      return undefined;
    }
    case 'timestamp': {
      const d = parseTimestamp(text);
      if (d === undefined || Number.isNaN(d.getTime())) {
        ctx.problems.push({ kind: 'constraint', path, shown: shown(shape, text), query: 'be a timestamp', ec2: 'Expecting an ISO 8601 timestamp.' });
        return undefined;
      }
      return d;
    }
    case 'blob': {
      if (!BASE64.test(text)) {
        ctx.problems.push({ kind: 'constraint', path, shown: 'sensitive', query: 'be base64-encoded', ec2: 'Expecting base64-encoded data.' });
        return undefined;
      }
      const bytes = new Uint8Array(Buffer.from(text, 'base64'));
      if (shape.min !== undefined && bytes.length < shape.min) {
        ctx.problems.push({ kind: 'constraint', path, shown: 'none', query: `have length greater than or equal to ${shape.min}`, ec2: `Expecting a length greater than or equal to ${shape.min}.` });
      }
      if (shape.max !== undefined && bytes.length > shape.max) {
        ctx.problems.push({ kind: 'constraint', path, shown: 'none', query: `have length less than or equal to ${shape.max}`, ec2: `Expecting a length less than or equal to ${shape.max}.` });
      }
      return bytes;
    }
  }
}

function parseInteger(text: string, type: 'integer' | 'long'): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  if (type === 'integer' ? n < INT32_MIN || n > INT32_MAX : !Number.isSafeInteger(n)) return undefined;
  return n;
}

function parseDouble(text: string): number | undefined {
  // botocore writes non-finite floats as these words (Serializer._handle_float).
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  return DECIMAL.test(text) ? Number(text) : undefined;
}

function readStructure(ctx: Ctx, shape: StructureShape, node: ParamNode, path: Path): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of membersOf(ctx.model, shape)) {
    let child: ParamNode | undefined;
    let key = m.keys[0]!;
    for (const k of m.keys) {
      child = node.children?.get(k);
      if (child) {
        key = k;
        break;
      }
    }
    const memberPath: Path = { query: join(path.query, m.queryPath), ec2: join(path.ec2, m.ec2Path), wire: join(path.wire, key) };
    const before = ctx.problems.length;
    const value = child ? readValue(ctx, m.shape, child, memberPath) : undefined;
    if (value === undefined) {
      // A value that failed to parse has its problem already; only an absent one is `null`.
      if (m.required && ctx.problems.length === before) ctx.problems.push({ kind: 'missing', path: memberPath });
      continue;
    }
    out[m.name] = value;
  }
  return out;
}

/** The children of `node` in index order, or undefined after reporting an index that is out of bounds. */
function indexed(ctx: Ctx, node: ParamNode, path: Path): [number, ParamNode][] | undefined {
  const items: [number, ParamNode][] = [];
  if (!node.children) return items;
  for (const [seg, child] of node.children) {
    // An index orders items and never sizes an allocation; out of bounds it is refused, not skipped.
    const n = LIST_INDEX.test(seg) ? Number(seg) : 0;
    if (n < 1 || n > MAX_LIST_INDEX) {
      ctx.problems.push({ kind: 'constraint', path, shown: { text: seg, integer: false }, query: `have list indices between 1 and ${MAX_LIST_INDEX}`, ec2: `List indices must be integers between 1 and ${MAX_LIST_INDEX}.` });
      return undefined;
    }
    items.push([n, child]);
  }
  items.sort((a, b) => a[0] - b[0]);
  return items;
}

function readList(ctx: Ctx, shape: ListShape, node: ParamNode, path: Path): unknown[] | undefined {
  const memberShape = ctx.model.shapes[shape.member.shape];
  if (!memberShape) throw new Error(`model: unknown shape ${shape.member.shape}`);
  // EC2 lists are always flattened (`InstanceId.1`); awsQuery lists are `Name.member.N` unless flattened.
  const flattened = ctx.protocol === 'ec2' || shape.flattened === true;
  const container = flattened ? node : node.children?.get(shape.member.locationName ?? 'member');
  if (!container?.children) {
    // awsQuery sends an empty list as `Name=` (botocore QuerySerializer._serialize_type_list).
    if (!flattened && node.value === '') return checkListLength(ctx, shape, [], path);
    return undefined;
  }
  const items = indexed(ctx, container, path);
  if (!items) return undefined;
  const out: unknown[] = [];
  for (const [n, child] of items) {
    const itemPath: Path = { query: `${path.query}.${n}.member`, ec2: `${path.ec2}.${n}`, wire: `${path.wire}.${n}` };
    const before = ctx.problems.length;
    const v = readValue(ctx, memberShape, child, itemPath);
    if (v !== undefined) out.push(v);
    // An item that yields no value (`InstanceId.1.Foo=x`) is an error, never silently dropped: a
    // required list emptied that way would reach its action with nothing to authorize.
    else if (ctx.problems.length === before) ctx.problems.push({ kind: 'missing', path: itemPath });
  }
  return checkListLength(ctx, shape, out, path);
}

function checkListLength(ctx: Ctx, shape: ListShape | MapShape, items: unknown[] | number, path: Path): unknown[] {
  const n = typeof items === 'number' ? items : items.length;
  if (shape.min !== undefined && n < shape.min) {
    ctx.problems.push({ kind: 'constraint', path, shown: 'none', query: `have length greater than or equal to ${shape.min}`, ec2: `Expecting at least ${shape.min} values.` });
  }
  if (shape.max !== undefined && n > shape.max) {
    ctx.problems.push({ kind: 'constraint', path, shown: 'none', query: `have length less than or equal to ${shape.max}`, ec2: `Expecting at most ${shape.max} values.` });
  }
  return typeof items === 'number' ? [] : items;
}

function readMap(ctx: Ctx, shape: MapShape, node: ParamNode, path: Path): Record<string, unknown> | undefined {
  const keyShape = ctx.model.shapes[shape.key.shape];
  const valueShape = ctx.model.shapes[shape.value.shape];
  if (!keyShape || !valueShape) throw new Error('model: unknown map key or value shape');
  const container = shape.flattened ? node : node.children?.get('entry');
  if (!container?.children) return undefined;
  const keyName = shape.key.locationName === undefined ? 'key' : ctx.protocol === 'ec2' ? ucfirst(shape.key.locationName) : shape.key.locationName;
  const valueName = shape.value.locationName === undefined ? 'value' : ctx.protocol === 'ec2' ? ucfirst(shape.value.locationName) : shape.value.locationName;
  // A null prototype: a client-chosen key such as `__proto__` stays a plain key (CWE-1321).
  const out = Object.create(null) as Record<string, unknown>;
  const entries = indexed(ctx, container, path);
  if (!entries) return undefined;
  let count = 0;
  for (const [n, entry] of entries) {
    const entryPath: Path = { query: `${path.query}.entry.${n}`, ec2: `${path.ec2}.${n}`, wire: `${path.wire}.${shape.flattened ? '' : 'entry.'}${n}` };
    const kNode = entry.children?.get(keyName);
    const vNode = entry.children?.get(valueName);
    const kPath: Path = { query: `${entryPath.query}.key`, ec2: `${entryPath.ec2}.key`, wire: `${entryPath.wire}.${keyName}` };
    const vPath: Path = { query: `${entryPath.query}.value`, ec2: `${entryPath.ec2}.value`, wire: `${entryPath.wire}.${valueName}` };
    const k = kNode ? readValue(ctx, keyShape, kNode, kPath) : undefined;
    const v = vNode ? readValue(ctx, valueShape, vNode, vPath) : undefined;
    if (k === undefined) ctx.problems.push({ kind: 'missing', path: kPath });
    if (v === undefined) ctx.problems.push({ kind: 'missing', path: vPath });
    if (typeof k === 'string' && v !== undefined) {
      if (!(k in out)) count++;
      out[k] = v;
    }
  }
  checkListLength(ctx, shape, count, path);
  return out;
}

/**
 * Decodes and validates the form fields of one request for `operation` of `model`. `Action`,
 * `Version`, `X-Amz-*` and unknown fields are ignored. Throws AwsError: awsQuery → ValidationError
 * listing every problem; EC2 → the first MissingParameter, else the first InvalidParameterValue.
 */
export function decodeInput(model: ServiceModel, operation: string, params: ReadonlyMap<string, string>): Record<string, unknown> {
  const op = Object.hasOwn(model.operations, operation) ? model.operations[operation] : undefined;
  if (!op) throw invalidAction(operation);
  const protocol = model.metadata.protocol;
  if (params.size > MAX_PARAMS) {
    // INF: AWS publishes no parameter cap; the wording follows each protocol's validation error.
    if (protocol === 'ec2') throw new AwsError('InvalidParameterValue', `The request has ${params.size} parameters; at most ${MAX_PARAMS} are accepted.`, 400);
    throw validationError([`Request has ${params.size} parameters; at most ${MAX_PARAMS} are accepted`]);
  }
  if (op.input === undefined) return {};
  const shape = model.shapes[op.input];
  if (shape?.type !== 'structure') throw new Error(`model: input of ${operation} is not a structure`);
  const ctx: Ctx = { model, protocol, problems: [] };
  const out = readStructure(ctx, shape, buildTree(params), { query: '', ec2: '', wire: '' });
  if (ctx.problems.length === 0) return out;
  if (protocol === 'ec2') {
    const first = ctx.problems.find((p) => p.kind === 'missing') ?? ctx.problems[0]!;
    throw ec2Error(first);
  }
  throw validationError(ctx.problems.map(queryMessage));
}
