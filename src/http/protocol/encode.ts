// Response encoding: an operation's output object → the awsQuery or EC2 XML document, and an
// AwsError → each protocol's error document. The one place wire XML is written; it must never put a
// value into a document unescaped, and never guess a shape — a value the model does not describe is a bug
// in the handler, thrown (→ InternalFailure), not serialised.

import type { AwsError } from '../../services/errors.js';
import type { ListShape, MapShape, MemberRef, Protocol, ServiceMetadata, ServiceModel, Shape, StructureShape } from '../../services/model/types.js';
import { escapeXmlText } from './xml.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** IAM's policy documents travel URL-encoded (aws.md §7, gotcha 12); botocore unquotes every member of this shape. */
const POLICY_DOCUMENT_SHAPE = 'policyDocumentType';

/** Headers of every response, success or error, of both protocols. */
export function responseHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId };
}

// --- Members -----------------------------------------------------------------------------------------

/** An element's name with its open and close tags, built once (not per value written). */
interface Tag {
  readonly element: string;
  readonly open: string;
  readonly close: string;
}

function tagOf(element: string): Tag {
  return { element, open: `<${element}>`, close: `</${element}>` };
}

interface CompiledMember {
  readonly name: string;
  readonly shapeName: string;
  readonly shape: Shape;
  /** The element: `locationName ?? memberName`; for a flattened list named by its member, that name. */
  readonly tag: Tag;
  readonly flattened: boolean;
  /** A string member written as is (escaped): the common case, taken without the generic dispatch. */
  readonly plainString: boolean;
}

interface CompiledList {
  readonly memberShapeName: string;
  readonly memberShape: Shape;
  /** awsQuery `member`; EC2 models name it `item`. */
  readonly item: Tag;
}

const compiled = new WeakMap<StructureShape, readonly CompiledMember[]>();
const compiledLists = new WeakMap<ListShape, CompiledList>();

function resolve(model: ServiceModel, name: string): Shape {
  const s = model.shapes[name];
  if (!s) throw new Error(`model: unknown shape ${name}`);
  return s;
}

/** Built once per structure, so encoding a response does no Object.keys work. */
function membersOf(model: ServiceModel, shape: StructureShape): readonly CompiledMember[] {
  const hit = compiled.get(shape);
  if (hit) return hit;
  const out: CompiledMember[] = [];
  for (const [name, ref] of Object.entries(shape.members)) {
    const target = resolve(model, ref.shape);
    const flattened = (target.type === 'list' || target.type === 'map') && (ref.flattened === true || target.flattened === true);
    // botocore BaseXMLResponseParser._member_key_name: a flattened list is keyed by its member's name.
    const element = (flattened && target.type === 'list' ? target.member.locationName : undefined) ?? ref.locationName ?? name;
    const plainString = target.type === 'string' && !(model.metadata.service === 'iam' && ref.shape === POLICY_DOCUMENT_SHAPE);
    out.push({ name, shapeName: ref.shape, shape: target, tag: tagOf(element), flattened, plainString });
  }
  compiled.set(shape, out);
  return out;
}

function listOf(model: ServiceModel, shape: ListShape): CompiledList {
  const hit = compiledLists.get(shape);
  if (hit) return hit;
  const member: MemberRef = shape.member;
  const out: CompiledList = { memberShapeName: member.shape, memberShape: resolve(model, member.shape), item: tagOf(member.locationName ?? 'member') };
  compiledLists.set(shape, out);
  return out;
}

// --- Values -------------------------------------------------------------------------------------------

interface Ctx {
  readonly model: ServiceModel;
  readonly protocol: Protocol;
  /** The document so far: appended to with `+=` (V8 ropes; flattened once, by the caller's write). */
  out: string;
  /** When set (encodeResultChunks), `out` is moved here as UTF-8 every SPILL_CHARS characters or so. */
  readonly chunks?: Buffer[];
}

/**
 * A rope this long is turned into bytes and started afresh. Flattening a megabyte-sized rope and
 * writing it as one string cost ~4× more than writing 64 KiB pieces (bench/scale.js: a page of 1,000
 * instances is ~1.5 MB of XML).
 */
const SPILL_CHARS = 64 * 1024;

/** Moves the document so far to `chunks` once it is long enough (list items are the spill points). */
function spill(ctx: Ctx): void {
  if (ctx.chunks !== undefined && ctx.out.length >= SPILL_CHARS) {
    ctx.chunks.push(Buffer.from(ctx.out, 'utf8'));
    ctx.out = '';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SUB_DELIMS_LEFT_BY_ENCODE_URI = /[!'()*]/g;

/** RFC 3986: everything but `A-Z a-z 0-9 - . _ ~` is percent-encoded (so `!*'()` too, and space as %20). */
function rfc3986(s: string): string {
  // encodeURIComponent throws on a lone surrogate; U+FFFD keeps one bad stored value from failing every read.
  const wellFormed = s.replace(LONE_SURROGATE, '\uFFFD');
  return encodeURIComponent(wellFormed).replace(SUB_DELIMS_LEFT_BY_ENCODE_URI, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** awsQuery `2019-11-01T20:26:47Z` (whole seconds, as IAM and STS send); EC2 `2019-11-01T20:26:47.000Z` (aws.md §8.1). */
function timestamp(protocol: Protocol, d: Date): string {
  if (protocol === 'ec2') return d.toISOString();
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

function fail(what: string, value: unknown): never {
  throw new Error(`encode: ${what}, got ${value === null ? 'null' : typeof value}`);
}

/** The text of a scalar of `shape`. */
function scalar(ctx: Ctx, shapeName: string, shape: Shape, value: unknown): string {
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') fail(`${shapeName} expects a string`, value);
      const text = ctx.model.metadata.service === 'iam' && shapeName === POLICY_DOCUMENT_SHAPE ? rfc3986(value) : value;
      return escapeXmlText(text);
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(`${shapeName} expects an integer`, value);
      return String(value);
    case 'double':
      if (typeof value !== 'number') fail(`${shapeName} expects a number`, value);
      // botocore's float() reads these spellings back (BaseXMLResponseParser._handle_float).
      return Number.isNaN(value) ? 'NaN' : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : String(value);
    case 'boolean':
      if (typeof value !== 'boolean') fail(`${shapeName} expects a boolean`, value);
      return value ? 'true' : 'false';
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) fail(`${shapeName} expects a valid Date`, value);
      return timestamp(ctx.protocol, value);
    case 'blob':
      if (!(value instanceof Uint8Array)) fail(`${shapeName} expects a Uint8Array`, value);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    default:
      throw new Error(`encode: ${shapeName} is not a scalar`);
  }
}

/** Appends `<element>value</element>`; a flattened list or map repeats `element` instead of wrapping. */
function writeElement(ctx: Ctx, tag: Tag, shapeName: string, shape: Shape, value: unknown, flattened: boolean): void {
  switch (shape.type) {
    case 'structure':
      if (typeof value !== 'object' || value === null) fail(`${shapeName} expects an object`, value);
      ctx.out += tag.open;
      writeMembers(ctx, shape, value as Record<string, unknown>);
      ctx.out += tag.close;
      return;
    case 'list':
      if (!Array.isArray(value)) fail(`${shapeName} expects an array`, value);
      writeList(ctx, tag, shape, value, flattened);
      return;
    case 'map':
      if (typeof value !== 'object' || value === null) fail(`${shapeName} expects an object`, value);
      writeMap(ctx, tag.element, shape, value as Record<string, unknown>, flattened);
      return;
    default:
      ctx.out += tag.open + scalar(ctx, shapeName, shape, value) + tag.close;
  }
}

function writeMembers(ctx: Ctx, shape: StructureShape, obj: Record<string, unknown>): void {
  const members = membersOf(ctx.model, shape);
  for (let i = 0; i < members.length; i++) {
    const m = members[i] as CompiledMember;
    const value = obj[m.name];
    if (value === undefined || value === null) continue;
    if (m.plainString) {
      // The 'string' case of scalar(), inlined: most members of an answer are plain strings.
      if (typeof value !== 'string') fail(`${m.shapeName} expects a string`, value);
      ctx.out += m.tag.open + escapeXmlText(value) + m.tag.close;
      continue;
    }
    writeElement(ctx, m.tag, m.shapeName, m.shape, value, m.flattened);
  }
}

function writeList(ctx: Ctx, tag: Tag, shape: ListShape, items: readonly unknown[], flattened: boolean): void {
  const list = listOf(ctx.model, shape);
  if (flattened) {
    for (const item of items) {
      writeElement(ctx, tag, list.memberShapeName, list.memberShape, item, false);
      spill(ctx);
    }
    return;
  }
  // awsQuery `<Name><member>…</member></Name>`; EC2 models name the member `item` (`<nameSet><item>`).
  ctx.out += tag.open;
  for (const item of items) {
    writeElement(ctx, list.item, list.memberShapeName, list.memberShape, item, false);
    spill(ctx);
  }
  ctx.out += tag.close;
}

function writeMap(ctx: Ctx, element: string, shape: MapShape, obj: Record<string, unknown>, flattened: boolean): void {
  const keyShape = resolve(ctx.model, shape.key.shape);
  const valueShape = resolve(ctx.model, shape.value.shape);
  const keyTag = tagOf(shape.key.locationName ?? 'key');
  const valueTag = tagOf(shape.value.locationName ?? 'value');
  if (!flattened) ctx.out += `<${element}>`;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    const v = obj[k];
    if (v === undefined || v === null) continue;
    ctx.out += flattened ? `<${element}>` : '<entry>';
    writeElement(ctx, keyTag, shape.key.shape, keyShape, k, false);
    writeElement(ctx, valueTag, shape.value.shape, valueShape, v, false);
    ctx.out += flattened ? `</${element}>` : '</entry>';
  }
  if (!flattened) ctx.out += `</${element}>`;
}

// --- Documents -----------------------------------------------------------------------------------------

/**
 * The whole success document of `operation`. awsQuery:
 * `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>`
 * (no OpResult when the operation has no output); EC2: `<OpResponse xmlns><requestId/>…</OpResponse>`,
 * `<return>true</return>` for operations without output (CreateTags, DeleteTags).
 */
export function encodeResult(model: ServiceModel, operation: string, output: unknown, requestId: string): string {
  const ctx: Ctx = { model, protocol: model.metadata.protocol, out: '' };
  writeResult(ctx, operation, output, requestId);
  return ctx.out;
}

/**
 * The same document as `encodeResult`, as UTF-8 pieces of about 64 KiB or less (their concatenation
 * is byte-identical to `Buffer.from(encodeResult(…))`): what the HTTP server writes, so a large
 * answer is never held as one flattened string.
 */
export function encodeResultChunks(model: ServiceModel, operation: string, output: unknown, requestId: string): Buffer[] {
  const chunks: Buffer[] = [];
  const ctx: Ctx = { model, protocol: model.metadata.protocol, out: '', chunks };
  writeResult(ctx, operation, output, requestId);
  chunks.push(Buffer.from(ctx.out, 'utf8'));
  return chunks;
}

function writeResult(ctx: Ctx, operation: string, output: unknown, requestId: string): void {
  const { model } = ctx;
  const op = Object.hasOwn(model.operations, operation) ? model.operations[operation] : undefined;
  if (!op) throw new Error(`encode: ${model.metadata.service} has no operation ${operation}`);
  const { protocol, xmlNamespace } = model.metadata;
  // INVARIANT: operation names and the namespace come from the generated model: no quotes, no markup.
  ctx.out += `${XML_DECLARATION}<${operation}Response xmlns="${xmlNamespace}">`;
  const rid = escapeXmlText(requestId);
  let shape: StructureShape | undefined;
  if (op.output !== undefined) {
    const s = resolve(model, op.output);
    if (s.type !== 'structure') throw new Error(`model: output of ${operation} is not a structure`);
    shape = s;
    if (typeof output !== 'object' || output === null) fail(`${operation} output expects an object`, output);
  }
  if (protocol === 'ec2') {
    ctx.out += `<requestId>${rid}</requestId>`;
    if (shape) writeMembers(ctx, shape, output as Record<string, unknown>);
    else ctx.out += '<return>true</return>';
  } else {
    if (shape) {
      const wrapper = op.resultWrapper ?? `${operation}Result`;
      ctx.out += `<${wrapper}>`;
      writeMembers(ctx, shape, output as Record<string, unknown>);
      ctx.out += `</${wrapper}>`;
    }
    ctx.out += `<ResponseMetadata><RequestId>${rid}</RequestId></ResponseMetadata>`;
  }
  ctx.out += `</${operation}Response>`;
}

/** What an error document needs to know of its service; a whole ServiceModel will do. */
export type ErrorDialect = Pick<ServiceMetadata, 'protocol' | 'xmlNamespace'>;

/**
 * An AwsError as its protocol writes it. awsQuery:
 * `<ErrorResponse xmlns><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`;
 * EC2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` — no
 * namespace, capital ID (aws.md §6.2).
 */
export function encodeError(model: ErrorDialect | ServiceModel, error: AwsError, requestId: string): { status: number; headers: Record<string, string>; body: string } {
  const { protocol, xmlNamespace } = 'metadata' in model ? model.metadata : model;
  const code = escapeXmlText(error.code);
  const message = escapeXmlText(error.message);
  const rid = escapeXmlText(requestId);
  const body =
    protocol === 'ec2'
      ? `${XML_DECLARATION}<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${rid}</RequestID></Response>`
      : `${XML_DECLARATION}<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${error.fault}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`;
  return { status: error.httpStatus, headers: responseHeaders(requestId), body };
}
