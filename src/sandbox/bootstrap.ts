// The JavaScript that runs inside every tenant isolate before any tenant code: Auth0's globals
// (configuration, UnauthorizedError, global, console, require, auth0), the `require` facades, the Actions
// `api`, and the runner the child drives. It owns no capability: its only ways out are two host callbacks
// ($1 log line, $2 facade call) that take and return strings. Everything it reports is re-checked outside.

/**
 * Source evaluated with `context.evalClosureSync(BOOTSTRAP_SOURCE, [configJson, logCallback, callCallback])`.
 * It returns the runner object whose methods the child calls. Written as plain ES2022 in a string so the
 * exact code that enters the isolate is what is read here.
 */
export const BOOTSTRAP_SOURCE = String.raw`
'use strict';
const CFG = JSON.parse($0);
const hostLog = $1;
const hostCall = $2;
const G = globalThis;

// Primordials captured before any tenant code runs: the runner keeps working when a rule rewrites them.
const ObjectDefineProperty = Object.defineProperty;
const ObjectFreeze = Object.freeze;
const ObjectIsFrozen = Object.isFrozen;
const ObjectKeys = Object.keys;
const ObjectCreate = Object.create;
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ObjectPrototype = Object.prototype;
const HasOwn = Object.prototype.hasOwnProperty;
const ArrayIsArray = Array.isArray;
const JSONParse = JSON.parse;
const JSONStringify = JSON.stringify;
const ReflectApply = Reflect.apply;
const StringCtor = String;
const PromiseCtor = Promise;
const PromiseResolve = Promise.resolve;
const PromiseReject = Promise.reject;
const PromiseThen = Promise.prototype.then;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const RangeErrorCtor = RangeError;
const Uint8ArrayCtor = Uint8Array;
const DateNow = Date.now;
const encodeURIComponentF = encodeURIComponent;
const decodeURIComponentF = decodeURIComponent;
const WeakMapCtor = WeakMap;

function hasOwn(o, k) { return ReflectApply(HasOwn, o, [k]); }
function resolved(v) { return ReflectApply(PromiseResolve, PromiseCtor, [v]); }
function rejected(e) { return ReflectApply(PromiseReject, PromiseCtor, [e]); }
function then(p, ok, fail) { return ReflectApply(PromiseThen, p, [ok, fail]); }
function later(fn) { then(resolved(undefined), fn, undefined); }
function isObj(v) { return v !== null && typeof v === 'object'; }
function clip(s, n) { return s.length > n ? s.slice(0, n) + '\u2026' : s; }
function deepFreeze(v) {
  if (isObj(v) && !ObjectIsFrozen(v)) { ObjectFreeze(v); const ks = ObjectKeys(v); for (let i = 0; i < ks.length; i++) deepFreeze(v[ks[i]]); }
  return v;
}

// Out-of-band schedulers would run tenant code after a call has returned, outside every time budget
// (and Atomics.waitAsync aborts the whole process under isolated-vm 5.0.4): they are removed.
if (typeof Atomics === 'object') delete Atomics.waitAsync;
if (typeof WebAssembly === 'object') { delete WebAssembly.compile; delete WebAssembly.instantiate; delete WebAssembly.compileStreaming; delete WebAssembly.instantiateStreaming; }
delete G.FinalizationRegistry;

// ---------------------------------------------------------------------------------------------------
// Run state. One run at a time per isolate; a callback or api object from an older run is inert.
let run = null;
let runSeq = 0;
function newRun(kind) {
  runSeq++;
  run = { seq: runSeq, kind: kind, steps: [], commands: [], overflow: false, logCount: 0, dropped: 0,
    user: undefined, context: undefined, configuration: undefined, userId: null, executedRules: [], denied: false };
  return run;
}

// ---------------------------------------------------------------------------------------------------
// Errors as text. Getters on a thrown object are tenant code; they run inside the call's time budget.
function locate(e) {
  let st;
  try { st = e.stack; } catch (x) { return ''; }
  if (typeof st !== 'string') return '';
  const m = /\b((?:rules|actions)\/[^\s():]+:\d+:\d+)/.exec(st.slice(0, 4000));
  return m ? ' (' + m[1] + ')' : '';
}
function describe(e) {
  try {
    if (isObj(e) || typeof e === 'function') {
      const name = e.name;
      const message = e.message;
      const head = (typeof name === 'string' && name !== '' ? name : 'Error') + ': ' + (typeof message === 'string' ? message : inspect(message));
      return clip(head + locate(e), 1000);
    }
    return clip('non-error value thrown: ' + inspect(e), 1000);
  } catch (x) {
    return 'unprintable error';
  }
}
function messageOf(e) {
  try { const m = e.message; return typeof m === 'string' ? clip(m, 1000) : ''; } catch (x) { return ''; }
}

// ---------------------------------------------------------------------------------------------------
// console: Node-like formatting, bounded work per line; Auth0 keeps 256 characters and 100 lines.
const BUDGET = 400;
function quote(s) { return "'" + clip(s, BUDGET).replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'"; }
function inspect(v, depth, seen) {
  depth = depth || 0;
  switch (typeof v) {
    case 'string': return depth === 0 ? clip(v, BUDGET) : quote(v);
    case 'number': return (v === 0 && 1 / v < 0) ? '-0' : StringCtor(v);
    case 'bigint': return StringCtor(v) + 'n';
    case 'boolean': case 'undefined': return StringCtor(v);
    case 'symbol': return v.toString();
    case 'function': return '[Function: ' + (typeof v.name === 'string' && v.name !== '' ? v.name : '(anonymous)') + ']';
  }
  if (v === null) return 'null';
  seen = seen || [];
  if (seen.indexOf(v) >= 0) return '[Circular]';
  if (v instanceof ErrorCtor) { const st = v.stack; return typeof st === 'string' ? clip(st, BUDGET) : describe(v); }
  if (depth > 2) return ArrayIsArray(v) ? '[Array]' : '[Object]';
  seen.push(v);
  let out = '';
  if (ArrayIsArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (out.length > BUDGET) { out += ', ...'; break; }
      out += (i ? ', ' : '') + inspect(v[i], depth + 1, seen);
    }
    seen.pop();
    return v.length === 0 ? '[]' : '[ ' + out + ' ]';
  }
  const ks = ObjectKeys(v);
  for (let i = 0; i < ks.length; i++) {
    if (out.length > BUDGET) { out += ', ...'; break; }
    const k = ks[i];
    out += (i ? ', ' : '') + (/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)) + ': ' + inspect(v[k], depth + 1, seen);
  }
  seen.pop();
  return ks.length === 0 ? '{}' : '{ ' + out + ' }';
}
function format(args) {
  let i = 0;
  let out = '';
  const first = args[0];
  if (typeof first === 'string' && args.length > 1 && first.indexOf('%') >= 0) {
    i = 1;
    out = first.replace(/%[sdifjoOc%]/g, function (t) {
      if (t === '%%') return '%';
      if (i >= args.length) return t;
      const a = args[i++];
      switch (t) {
        case '%s': return typeof a === 'string' ? a : inspect(a, 1);
        case '%d': case '%i': { const n = typeof a === 'bigint' ? a : Number(a); return t === '%i' && typeof n === 'number' ? StringCtor(Math.trunc(n)) : StringCtor(n); }
        case '%f': return StringCtor(Number(a));
        case '%j': try { return JSONStringify(a); } catch (x) { return '[Circular]'; }
        case '%c': return '';
        default: return inspect(a, 1);
      }
    });
  }
  for (; i < args.length; i++) {
    if (out.length > BUDGET) break;
    const a = args[i];
    out += (out === '' && i === 0 ? '' : ' ') + (typeof a === 'string' ? a : inspect(a));
  }
  return out;
}
function emit(args) {
  const r = run;
  if (r === null) return;
  if (r.logCount >= CFG.maxLogLines) { r.dropped++; return; }
  r.logCount++;
  let line;
  try { line = format(args); } catch (x) { line = '[unprintable log line]'; }
  if (typeof line !== 'string') line = '[unprintable log line]';
  hostLog(line.length > CFG.maxLogLineChars ? line.slice(0, CFG.maxLogLineChars) : line);
}
function logger() { return function () { const a = []; for (let i = 0; i < arguments.length; i++) a.push(arguments[i]); emit(a); }; }
const consoleObject = ObjectFreeze({ log: logger(), info: logger(), warn: logger(), error: logger(), debug: logger(), trace: logger(), dir: logger() });

// ---------------------------------------------------------------------------------------------------
// Host facade calls: one JSON string in, one JSON string out; the child validates every field.
function call(request) {
  const res = JSONParse(hostCall(JSONStringify(request)));
  if (typeof res.error === 'string') {
    const C = res.type === 'range' ? RangeErrorCtor : res.type === 'type' ? TypeErrorCtor : ErrorCtor;
    throw new C(res.error);
  }
  return res.value;
}

// Bytes: a Uint8Array with Buffer's toString(encoding), enough for crypto.randomBytes(16).toString('hex').
const HEX = '0123456789abcdef';
function bytesToHex(b) { let s = ''; for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15]; return s; }
function bytesFromHex(hex) {
  const b = new Uint8ArrayCtor(hex.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(i * 2, 2), 16);
  ObjectDefineProperty(b, 'toString', { value: function (enc) {
    const e = enc === undefined ? 'utf8' : StringCtor(enc).toLowerCase();
    return e === 'hex' ? bytesToHex(this) : call({ op: 'bytesToString', hex: bytesToHex(this), enc: e });
  }, writable: true, configurable: true });
  return b;
}
const IN_ENCODINGS = ['utf8', 'utf-8', 'hex', 'base64', 'base64url', 'latin1', 'binary', 'ascii'];
const OUT_ENCODINGS = ['hex', 'base64', 'base64url', 'latin1', 'binary'];
function part(data, enc, what) {
  if (typeof data === 'string') {
    const e = enc === undefined || enc === null ? 'utf8' : StringCtor(enc).toLowerCase();
    if (IN_ENCODINGS.indexOf(e) < 0) throw new TypeErrorCtor('Unknown encoding: ' + e);
    return [e, data];
  }
  if (data instanceof Uint8ArrayCtor) return ['hex', bytesToHex(data)];
  if (data instanceof ArrayBuffer) return ['hex', bytesToHex(new Uint8ArrayCtor(data))];
  throw new TypeErrorCtor('The "' + what + '" argument must be of type string or an instance of Uint8Array');
}
const HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const HASH_STATE = new WeakMapCtor();
class Hash {
  constructor(alg, key) {
    const a = StringCtor(alg).toLowerCase().replace(/^(sha)-/, '$1');
    if (HASHES.indexOf(a) < 0) throw new ErrorCtor('Digest method not supported');
    HASH_STATE.set(this, { alg: a, key: key === undefined ? null : part(key, undefined, 'key'), parts: [], size: 0, done: false });
  }
  update(data, enc) {
    const st = HASH_STATE.get(this);
    if (st === undefined || st.done) throw new ErrorCtor('Digest already called');
    const p = part(data, enc, 'data');
    st.size += p[1].length;
    if (st.size > CFG.maxFacadeBytes) throw new RangeErrorCtor('hash input is larger than ' + CFG.maxFacadeBytes + ' bytes');
    st.parts.push(p);
    return this;
  }
  digest(enc) {
    const st = HASH_STATE.get(this);
    if (st === undefined || st.done) throw new ErrorCtor('Digest already called');
    st.done = true;
    const e = enc === undefined ? null : StringCtor(enc).toLowerCase();
    if (e !== null && OUT_ENCODINGS.indexOf(e) < 0) throw new TypeErrorCtor('Unknown encoding: ' + e);
    const out = call({ op: 'digest', alg: st.alg, key: st.key, parts: st.parts, enc: e === null ? 'hex' : e });
    return e === null ? bytesFromHex(out) : out;
  }
}
function randomBytes(size, cb) {
  if (typeof size !== 'number' || !(size >= 0 && size <= 65536) || size !== Math.floor(size)) throw new RangeErrorCtor('The value of "size" is out of range: an integer from 0 to 65536');
  const b = bytesFromHex(call({ op: 'randomBytes', size: size }));
  if (typeof cb === 'function') { later(function () { cb(null, b); }); return undefined; }
  return b;
}
const cryptoModule = ObjectFreeze({
  createHash: function (alg) { if (typeof alg !== 'string') throw new TypeErrorCtor('The "algorithm" argument must be of type string'); return new Hash(alg); },
  createHmac: function (alg, key) { if (typeof alg !== 'string') throw new TypeErrorCtor('The "hmac" argument must be of type string'); if (key === undefined || key === null) throw new TypeErrorCtor('The "key" argument must be of type string or an instance of Uint8Array'); return new Hash(alg, key); },
  randomBytes: randomBytes,
  randomUUID: function () { return call({ op: 'randomUUID' }); },
  getHashes: function () { return HASHES.slice(); },
  timingSafeEqual: function (a, b) {
    if (!(a instanceof Uint8ArrayCtor) || !(b instanceof Uint8ArrayCtor)) throw new TypeErrorCtor('The "buf1" and "buf2" arguments must be instances of Uint8Array');
    if (a.length !== b.length) throw new RangeErrorCtor('Input buffers must have the same byte length');
    let d = 0; for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i]; return d === 0;
  },
});

// querystring and application/x-www-form-urlencoded, as Node and WHATWG define them (pure JS).
function wellFormed(s) { return typeof s.toWellFormed === 'function' ? s.toWellFormed() : s; }
// Percent-decoding that never throws: %XX become bytes, other characters their UTF-8 bytes, and the bytes
// are decoded as UTF-8 with U+FFFD for each invalid sequence (WHATWG "UTF-8 decode", as Node does).
function utf8Decode(b) {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) { out += String.fromCharCode(c); i++; continue; }
    let need = 0, cp = 0, lower = 0x80, upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0xf; if (c === 0xe0) lower = 0xa0; if (c === 0xed) upper = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 7; if (c === 0xf0) lower = 0x90; if (c === 0xf4) upper = 0x8f; }
    else { out += '\uFFFD'; i++; continue; }
    let j = 1;
    for (; j <= need; j++) {
      const x = b[i + j];
      if (x === undefined || x < lower || x > upper) break;
      lower = 0x80; upper = 0xbf;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (j <= need) { out += '\uFFFD'; i += j; continue; }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}
function lenientDecode(s) {
  try { return decodeURIComponentF(s); } catch (x) { /* invalid UTF-8 somewhere: decode byte by byte */ }
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && /^[0-9A-Fa-f]{2}$/.test(s.substr(i + 1, 2))) { bytes.push(parseInt(s.substr(i + 1, 2), 16)); i += 2; continue; }
    let cp = s.codePointAt(i);
    if (cp > 0xffff) i++;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return utf8Decode(bytes);
}
function qsEscape(s) { return encodeURIComponentF(typeof s === 'string' ? s : StringCtor(s)); }
function qsPrimitive(v) {
  switch (typeof v) {
    case 'string': return v;
    case 'number': return isFinite(v) ? '' + v : '';
    case 'bigint': return '' + v;
    case 'boolean': return v ? 'true' : 'false';
    default: return '';
  }
}
const querystringModule = {
  escape: qsEscape,
  unescape: function (s) { return lenientDecode(StringCtor(s)); },
  parse: function (str, sep, eq, options) {
    const obj = ObjectCreate(null);
    if (typeof str !== 'string' || str.length === 0) return obj;
    sep = sep || '&'; eq = eq || '=';
    let maxKeys = 1000;
    if (isObj(options) && typeof options.maxKeys === 'number') maxKeys = options.maxKeys;
    const decode = isObj(options) && typeof options.decodeURIComponent === 'function' ? options.decodeURIComponent : lenientDecode;
    let parts = str.split(sep);
    if (maxKeys > 0 && parts.length > maxKeys) parts = parts.slice(0, maxKeys);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p === '') continue;
      const at = p.indexOf(eq);
      const k = decode((at >= 0 ? p.slice(0, at) : p).replace(/\+/g, ' '));
      const v = at >= 0 ? decode(p.slice(at + eq.length).replace(/\+/g, ' ')) : '';
      if (!hasOwn(obj, k)) obj[k] = v;
      else if (ArrayIsArray(obj[k])) obj[k].push(v);
      else obj[k] = [obj[k], v];
    }
    return obj;
  },
  stringify: function (obj, sep, eq, options) {
    sep = sep || '&'; eq = eq || '=';
    const encode = isObj(options) && typeof options.encodeURIComponent === 'function' ? options.encodeURIComponent : qsEscape;
    if (!isObj(obj)) return '';
    const out = [];
    const ks = ObjectKeys(obj);
    for (let i = 0; i < ks.length; i++) {
      const v = obj[ks[i]];
      const head = encode(qsPrimitive(ks[i])) + eq;
      if (ArrayIsArray(v)) { for (let j = 0; j < v.length; j++) out.push(head + encode(qsPrimitive(v[j]))); }
      else out.push(head + encode(qsPrimitive(v)));
    }
    return out.join(sep);
  },
};
querystringModule.decode = querystringModule.parse;
querystringModule.encode = querystringModule.stringify;
ObjectFreeze(querystringModule);

function formEncode(s) {
  return encodeURIComponentF(wellFormed(StringCtor(s)))
    .replace(/[!'()~]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); })
    .replace(/%20/g, '+');
}
function formDecode(s) { return lenientDecode(s.replace(/\+/g, ' ')); }
function formParse(s) {
  const list = [];
  if (s === '') return list;
  const parts = s.split('&');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '') continue;
    const at = p.indexOf('=');
    list.push(at >= 0 ? [formDecode(p.slice(0, at)), formDecode(p.slice(at + 1))] : [formDecode(p), '']);
  }
  return list;
}

const PARAMS = new WeakMapCtor();
function params(sp) { const st = PARAMS.get(sp); if (st === undefined) throw new TypeErrorCtor('Value of "this" must be of type URLSearchParams'); return st; }
function changed(st) { if (st.hook !== null) st.hook(serializeParams(st.list)); }
function serializeParams(list) { const out = []; for (let i = 0; i < list.length; i++) out.push(formEncode(list[i][0]) + '=' + formEncode(list[i][1])); return out.join('&'); }
class URLSearchParams {
  constructor(init) {
    const st = { list: [], hook: null };
    PARAMS.set(this, st);
    if (init === undefined || init === null) return;
    if (typeof init === 'object' || typeof init === 'function') {
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [];
          for (const x of pair) p.push(x);
          if (p.length !== 2) throw new TypeErrorCtor('Each query pair must be an iterable [name, value] tuple');
          st.list.push([StringCtor(p[0]), StringCtor(p[1])]);
        }
      } else {
        const ks = ObjectKeys(init);
        for (let i = 0; i < ks.length; i++) st.list.push([ks[i], StringCtor(init[ks[i]])]);
      }
      return;
    }
    let s = StringCtor(init);
    if (s[0] === '?') s = s.slice(1);
    st.list = formParse(s);
  }
  get size() { return params(this).list.length; }
  append(k, v) { const st = params(this); st.list.push([StringCtor(k), StringCtor(v)]); changed(st); }
  delete(k, v) {
    const st = params(this); k = StringCtor(k);
    st.list = st.list.filter(function (p) { return !(p[0] === k && (v === undefined || p[1] === StringCtor(v))); });
    changed(st);
  }
  get(k) { k = StringCtor(k); const l = params(this).list; for (let i = 0; i < l.length; i++) if (l[i][0] === k) return l[i][1]; return null; }
  getAll(k) { k = StringCtor(k); return params(this).list.filter(function (p) { return p[0] === k; }).map(function (p) { return p[1]; }); }
  has(k, v) { k = StringCtor(k); return params(this).list.some(function (p) { return p[0] === k && (v === undefined || p[1] === StringCtor(v)); }); }
  set(k, v) {
    const st = params(this); k = StringCtor(k); v = StringCtor(v);
    let found = false;
    st.list = st.list.filter(function (p) { if (p[0] !== k) return true; if (found) return false; found = true; p[1] = v; return true; });
    if (!found) st.list.push([k, v]);
    changed(st);
  }
  sort() {
    const st = params(this);
    const l = st.list.map(function (p, i) { return [p, i]; });
    l.sort(function (a, b) { return a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]; });
    st.list = l.map(function (x) { return x[0]; });
    changed(st);
  }
  forEach(cb, thisArg) { const l = params(this).list.slice(); for (let i = 0; i < l.length; i++) ReflectApply(cb, thisArg, [l[i][1], l[i][0], this]); }
  keys() { return params(this).list.map(function (p) { return p[0]; })[Symbol.iterator](); }
  values() { return params(this).list.map(function (p) { return p[1]; })[Symbol.iterator](); }
  entries() { return params(this).list.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return serializeParams(params(this).list); }
}

// WHATWG URL: parsing and setters by Node's own parser in the child (a copy in, a copy out).
const URL_STATE = new WeakMapCtor();
const URL_FIELDS = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
function urlState(u) { const st = URL_STATE.get(u); if (st === undefined) throw new TypeErrorCtor('Value of "this" must be of type URL'); return st; }
class URL {
  constructor(input, base) {
    if (arguments.length === 0) throw new TypeErrorCtor('The "url" argument must be specified');
    URL_STATE.set(this, { f: call({ op: 'urlParse', input: StringCtor(input), base: base === undefined ? null : StringCtor(base) }), sp: null });
  }
  get searchParams() {
    const st = urlState(this);
    if (st.sp === null) {
      st.sp = new URLSearchParams(st.f.search);
      params(st.sp).hook = function (s) { st.f = call({ op: 'urlSet', href: st.f.href, prop: 'search', value: s }); };
    }
    return st.sp;
  }
  toString() { return urlState(this).f.href; }
  toJSON() { return urlState(this).f.href; }
  static canParse(input, base) { try { new URL(input, base); return true; } catch (x) { return false; } }
}
for (let i = 0; i < URL_FIELDS.length; i++) {
  const name = URL_FIELDS[i];
  const desc = { get: function () { return urlState(this).f[name]; }, enumerable: true, configurable: true };
  if (name !== 'origin') {
    desc.set = function (v) {
      const st = urlState(this);
      st.f = call({ op: 'urlSet', href: st.f.href, prop: name, value: StringCtor(v) });
      if (st.sp !== null && (name === 'search' || name === 'href')) { const ps = params(st.sp); ps.list = formParse(st.f.search.replace(/^\?/, '')); }
    };
  }
  ObjectDefineProperty(URL.prototype, name, desc);
}
const urlModule = ObjectFreeze({
  URL: URL,
  URLSearchParams: URLSearchParams,
  parse: function (input, parseQueryString, slashesDenoteHost) {
    if (typeof input !== 'string') throw new TypeErrorCtor('The "url" argument must be of type string');
    const u = call({ op: 'urlLegacyParse', input: input, slashesDenoteHost: !!slashesDenoteHost });
    if (parseQueryString) u.query = querystringModule.parse(u.search ? u.search.slice(1) : '');
    return u;
  },
  format: function (obj) {
    if (typeof obj === 'string') obj = urlModule.parse(obj);
    if (obj instanceof URL) return obj.href;
    if (!isObj(obj)) throw new TypeErrorCtor('The "urlObject" argument must be one of type object or string');
    const f = {};
    const names = ['protocol', 'auth', 'host', 'hostname', 'port', 'pathname', 'search', 'hash', 'href'];
    for (let i = 0; i < names.length; i++) { const v = obj[names[i]]; if (typeof v === 'string' || typeof v === 'number') f[names[i]] = StringCtor(v); }
    if (typeof obj.slashes === 'boolean') f.slashes = obj.slashes;
    if (f.search === undefined && isObj(obj.query)) { const q = querystringModule.stringify(obj.query); if (q !== '') f.search = '?' + q; }
    delete f.href;
    return call({ op: 'urlFormat', fields: f });
  },
  resolve: function (from, to) { return call({ op: 'urlResolve', from: StringCtor(from), to: StringCtor(to) }); },
});

// uuid: v4 (and uuid@3's default export, which was v4).
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
function v4() { return call({ op: 'randomUUID' }); }
const uuidModule = function () { return v4(); };
uuidModule.v4 = v4;
uuidModule.NIL = NIL_UUID;
uuidModule.validate = function (s) { return typeof s === 'string' && (s === NIL_UUID || /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(s)); };
uuidModule.version = function (s) { if (!uuidModule.validate(s)) throw new TypeErrorCtor('Invalid UUID'); return parseInt(s.slice(14, 15), 16); };
ObjectFreeze(uuidModule);

// require: an allow-list of the facades above. Auth0 pins versions inline (require('uuid@3.3.2')).
const MODULES = ObjectCreate(null);
MODULES.crypto = cryptoModule;
MODULES.querystring = querystringModule;
MODULES.url = urlModule;
MODULES.uuid = uuidModule;
MODULES['uuid/v4'] = v4;
const requireFacade = function require(id) {
  if (typeof id !== 'string') throw new TypeErrorCtor('The "id" argument must be of type string');
  let name = id.indexOf('node:') === 0 ? id.slice(5) : id;
  const at = name.indexOf('@', name[0] === '@' ? 1 : 0);
  if (at > 0) name = name.slice(0, at);
  if (!hasOwn(MODULES, name)) {
    throw new ErrorCtor("Cannot find module '" + clip(name, 100) + "': the sandbox provides only crypto, querystring, url and uuid");
  }
  return MODULES[name];
};

// ---------------------------------------------------------------------------------------------------
// Commands: data copied at call time, capped in count; the host validates them again.
function record(r, step, cmd) {
  if (run !== r || (step !== null && step.closed)) throw new ErrorCtor('the api was used after its action finished');
  if (r.commands.length >= CFG.maxCommands) { r.overflow = true; throw new RangeErrorCtor('more than ' + CFG.maxCommands + ' api calls in one login'); }
  r.commands.push(cmd);
}
function jsonCopy(value, what) {
  if (value === undefined) return null;
  let s;
  try { s = JSONStringify(value); } catch (e) { throw new TypeErrorCtor(what + ' must be JSON-serialisable: ' + messageOf(e)); }
  if (typeof s !== 'string') throw new TypeErrorCtor(what + ' must be JSON-serialisable');
  if (s.length > CFG.maxOutputBytes) throw new RangeErrorCtor(what + ' is larger than ' + CFG.maxOutputBytes + ' bytes');
  return JSONParse(s);
}
function textArg(v, what) {
  if (typeof v !== 'string' || v.length === 0) throw new TypeErrorCtor(what + ' must be a non-empty string');
  if (v.length > CFG.maxCommandText) throw new RangeErrorCtor(what + ' is longer than ' + CFG.maxCommandText + ' characters');
  // A key the IdP would merge must not be able to rewire a prototype there (CWE-1321).
  if (v === '__proto__' || v === 'constructor' || v === 'prototype') throw new TypeErrorCtor(what + ' may not be ' + v);
  return v;
}
function checkSetter(method, value) {
  const spec = CFG.setters[method];
  const where = 'api.samlResponse.' + method;
  if (spec === 'string') return typeof value === 'string' ? null : where + ' expects a string';
  if (spec === 'boolean') return typeof value === 'boolean' ? null : where + ' expects a boolean';
  if (spec === 'positive-number') return typeof value === 'number' && isFinite(value) && value > 0 ? null : where + ' expects a positive number';
  if (spec === 'string[]') {
    if (!ArrayIsArray(value)) return where + ' expects an array of strings';
    for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return where + ' expects an array of strings';
    return null;
  }
  return spec.indexOf(value) >= 0 ? null : where + ' expects one of ' + spec.map(function (s) { return '\u0060' + s + '\u0060'; }).join(', ');
}

// ---------------------------------------------------------------------------------------------------
// Rules: UnauthorizedError, configuration, the restricted management client.
class UnauthorizedError extends ErrorCtor {
  constructor(message) {
    super(message);
    ObjectDefineProperty(this, 'name', { value: 'UnauthorizedError', writable: true, enumerable: false, configurable: true });
  }
}
ObjectFreeze(UnauthorizedError);

function updateMetadata(kind, method) {
  return function (userId, metadata, cb) {
    const r = run;
    let err = null;
    try {
      if (r === null || r.kind !== 'rules') throw new ErrorCtor('auth0.users.' + method + ' is only available to rules');
      if (r.userId === null || userId !== r.userId) throw new ErrorCtor('auth0.users.' + method + ': a rule may only update the user who is logging in');
      if (!isObj(metadata) || ArrayIsArray(metadata)) throw new TypeErrorCtor('auth0.users.' + method + ': metadata must be an object');
      const copy = jsonCopy(metadata, 'metadata');
      const ks = ObjectKeys(copy);
      for (let i = 0; i < ks.length; i++) record(r, null, { kind: kind, key: textArg(ks[i], 'metadata key'), value: copy[ks[i]] === undefined ? null : copy[ks[i]] });
    } catch (e) {
      err = e;
    }
    if (typeof cb === 'function') { later(function () { cb(err); }); return undefined; }
    return err === null ? resolved(undefined) : rejected(err);
  };
}
const auth0Object = ObjectFreeze({
  users: ObjectFreeze({
    updateAppMetadata: updateMetadata('user.setAppMetadata', 'updateAppMetadata'),
    updateUserMetadata: updateMetadata('user.setUserMetadata', 'updateUserMetadata'),
  }),
});

function defineGlobal(key, value) { ObjectDefineProperty(G, key, { value: value, writable: false, enumerable: false, configurable: false }); }
defineGlobal('global', G);
defineGlobal('UnauthorizedError', UnauthorizedError);
defineGlobal('require', requireFacade);
defineGlobal('auth0', auth0Object);
ObjectDefineProperty(G, 'configuration', { get: function () { return run !== null && run.kind === 'rules' ? run.configuration : undefined; }, enumerable: false, configurable: false });
ObjectDefineProperty(G, 'console', { value: consoleObject, writable: true, enumerable: false, configurable: true });
ObjectDefineProperty(G, 'URL', { value: URL, writable: true, enumerable: false, configurable: true });
ObjectDefineProperty(G, 'URLSearchParams', { value: URLSearchParams, writable: true, enumerable: false, configurable: true });

function settleRule(r, err, user, context) {
  if (err !== null && err !== undefined) {
    let unauthorized = false;
    try { unauthorized = err instanceof UnauthorizedError; } catch (x) { unauthorized = false; }
    if (unauthorized) return { s: 'unauthorized', m: messageOf(err) };
    return { s: 'error', m: describe(err) };
  }
  if (!isObj(user) || ArrayIsArray(user) || !isObj(context) || ArrayIsArray(context)) {
    return { s: 'error', m: 'callback(null, user, context) was called without the user and context objects' };
  }
  r.user = user;
  r.context = context;
  return { s: 'ok' };
}

// ---------------------------------------------------------------------------------------------------
// Actions: per-tenant cache (Auth0 scopes it to the trigger), the api object, loaded modules.
const CACHE = ObjectCreate(null);
let cacheChars = 0;
function cachePrune(now) {
  const ks = ObjectKeys(CACHE);
  for (let i = 0; i < ks.length; i++) { const e = CACHE[ks[i]]; if (e.expires_at <= now) { cacheChars -= ks[i].length + e.value.length; delete CACHE[ks[i]]; } }
}
const cacheApi = ObjectFreeze({
  get: function (key) {
    if (typeof key !== 'string') return undefined;
    cachePrune(DateNow());
    const e = CACHE[key];
    return e === undefined ? undefined : { value: e.value, expires_at: e.expires_at };
  },
  set: function (key, value, options) {
    if (typeof key !== 'string' || key.length === 0 || typeof value !== 'string') return { type: 'error', code: 'INVALID_ARGUMENT' };
    if (value.length > CFG.cache.maxValue) return { type: 'error', code: 'VALUE_TOO_LARGE' };
    const now = DateNow();
    cachePrune(now);
    let expires = now + CFG.cache.defaultTtl;
    const o = isObj(options) ? options : {};
    const hasTtl = o.ttl !== undefined, hasAt = o.expires_at !== undefined;
    if ((hasTtl && !(typeof o.ttl === 'number' && o.ttl > 0)) || (hasAt && !(typeof o.expires_at === 'number' && o.expires_at > now))) return { type: 'error', code: 'INVALID_ARGUMENT' };
    if (hasTtl || hasAt) {
      // Both given: the earlier expiry wins (Auth0). Never beyond the maximum lifetime.
      expires = Math.min(hasTtl ? now + o.ttl : Infinity, hasAt ? o.expires_at : Infinity);
    }
    expires = Math.min(expires, now + CFG.cache.maxTtl);
    const old = CACHE[key];
    const delta = key.length + value.length - (old === undefined ? 0 : key.length + old.value.length);
    if (cacheChars + delta > CFG.cache.maxTotal) return { type: 'error', code: 'CACHE_FULL' };
    CACHE[key] = { value: value, expires_at: expires };
    cacheChars += delta;
    return { type: 'success', record: { value: value, expires_at: expires } };
  },
  delete: function (key) {
    if (typeof key !== 'string') return { type: 'error', code: 'INVALID_ARGUMENT' };
    const old = CACHE[key];
    if (old === undefined) return { type: 'success' };
    cacheChars -= key.length + old.value.length;
    delete CACHE[key];
    return { type: 'success', record: { value: old.value, expires_at: old.expires_at } };
  },
});

function unsupported(what) { return function () { throw new ErrorCtor(what + ' is not supported by Tessera'); }; }
function makeApi(r, step) {
  const api = {};
  api.access = ObjectFreeze({ deny: function (reason) {
    if (typeof reason !== 'string') throw new TypeErrorCtor('api.access.deny: reason must be a string');
    if (reason.length > CFG.maxCommandText) throw new RangeErrorCtor('api.access.deny: reason is longer than ' + CFG.maxCommandText + ' characters');
    record(r, step, { kind: 'access.deny', reason: reason });
    r.denied = true;
    return api;
  } });
  const saml = {};
  const setters = ObjectKeys(CFG.setters);
  for (let i = 0; i < setters.length; i++) {
    const method = setters[i];
    saml[method] = function (value) {
      const problem = checkSetter(method, value);
      if (problem !== null) throw new TypeErrorCtor(problem);
      record(r, step, { kind: 'samlResponse.set', method: method, value: jsonCopy(value, 'value') });
      return api;
    };
  }
  saml.setAttribute = function (attribute, value) {
    record(r, step, { kind: 'samlResponse.setAttribute', name: textArg(attribute, 'api.samlResponse.setAttribute: attribute'), value: jsonCopy(value, 'api.samlResponse.setAttribute: value') });
    return api;
  };
  api.samlResponse = ObjectFreeze(saml);
  function metadata(kind, method) {
    return function (key, value) {
      record(r, step, { kind: kind, key: textArg(key, 'api.user.' + method + ': key'), value: jsonCopy(value, 'api.user.' + method + ': value') });
      return api;
    };
  }
  api.user = ObjectFreeze({ setAppMetadata: metadata('user.setAppMetadata', 'setAppMetadata'), setUserMetadata: metadata('user.setUserMetadata', 'setUserMetadata') });
  function claim(kind, where) {
    return ObjectFreeze({ setCustomClaim: function (claimName, value) {
      record(r, step, { kind: kind, name: textArg(claimName, where + '.setCustomClaim: name'), value: jsonCopy(value, where + '.setCustomClaim: value') });
      return api;
    } });
  }
  api.idToken = claim('idToken.setCustomClaim', 'api.idToken');
  api.accessToken = claim('accessToken.setCustomClaim', 'api.accessToken');
  api.cache = cacheApi;
  const executed = r.executedRules;
  api.rules = ObjectFreeze({ wasExecuted: function (ruleId) { return typeof ruleId === 'string' && executed.indexOf(ruleId) >= 0; } });
  api.redirect = ObjectFreeze({ sendUserTo: unsupported('api.redirect.sendUserTo'), encodeToken: unsupported('api.redirect.encodeToken'), validateToken: unsupported('api.redirect.validateToken') });
  return ObjectFreeze(api);
}

const SLOTS = ObjectCreate(null);

// ---------------------------------------------------------------------------------------------------
// The runner the child drives. Every method returns a primitive.
function newStep(r, index) { const st = { calls: 0, result: null, thrown: null, closed: false }; r.steps[index] = st; return st; }
function watch(step, ret, onFulfilled) {
  // An async rule's or action's rejection is a throw; a thenable's own then() is tenant code and runs in budget.
  try { then(resolved(ret), onFulfilled, function (e) { if (step.thrown === null) step.thrown = describe(e); }); }
  catch (e) { if (step.thrown === null) step.thrown = describe(e); }
}
return ObjectFreeze({
  beginRules: function (inputJson) {
    const input = JSONParse(inputJson);
    const r = newRun('rules');
    r.user = input.user;
    r.context = input.context;
    r.configuration = deepFreeze(input.configuration);
    r.userId = isObj(input.user) && typeof input.user.user_id === 'string' ? input.user.user_id : null;
  },
  runRule: function (fn, index) {
    const r = run;
    const step = newStep(r, index);
    if (typeof fn !== 'function') { step.thrown = 'the rule is not a function expression'; return; }
    const callback = function (err, user, context) {
      step.calls++;
      if (step.calls > 1 || run !== r || step.closed) return;
      step.result = settleRule(r, err, user, context);
    };
    let ret;
    try { ret = ReflectApply(fn, undefined, [r.user, r.context, callback]); } catch (e) { step.thrown = describe(e); return; }
    if (isObj(ret) || typeof ret === 'function') watch(step, ret, undefined);
  },
  beginActions: function (inputJson) {
    const input = JSONParse(inputJson);
    const r = newRun('actions');
    r.executedRules = ArrayIsArray(input.executedRules) ? input.executedRules : [];
  },
  loadAction: function (slot, factory) {
    const module = { exports: {} };
    try { ReflectApply(factory, module.exports, [module.exports, requireFacade, module, '/action.js', '/']); }
    catch (e) { return JSONStringify({ s: 'error', m: describe(e) }); }
    SLOTS[slot] = module;
    return '{"s":"ok"}';
  },
  dropSlot: function (slot) { delete SLOTS[slot]; },
  runAction: function (slot, index, eventJson, secretsJson) {
    const r = run;
    const step = newStep(r, index);
    const module = SLOTS[slot];
    let handler;
    try { handler = module.exports.onExecutePostLogin; } catch (e) { step.thrown = describe(e); return; }
    if (typeof handler !== 'function') { step.thrown = 'the action does not export onExecutePostLogin'; return; }
    const event = JSONParse(eventJson);
    event.secrets = deepFreeze(JSONParse(secretsJson));
    const api = makeApi(r, step);
    let ret;
    try { ret = ReflectApply(handler, module.exports, [event, api]); } catch (e) { step.thrown = describe(e); return; }
    watch(step, ret, function () { if (step.result === null) step.result = { s: 'ok' }; });
  },
  stepStatus: function (index) {
    const r = run;
    for (let i = 0; i < r.steps.length; i++) { const st = r.steps[i]; if (st !== undefined && st.calls > 1) return JSONStringify({ s: 'double', i: i }); }
    const st = r.steps[index];
    st.closed = st.thrown !== null || st.result !== null;
    if (st.thrown !== null) return JSONStringify({ s: 'error', m: st.thrown });
    if (st.result !== null) return JSONStringify({ s: st.result.s, m: st.result.m, denied: r.denied });
    return '{"s":"pending"}';
  },
  endRules: function () {
    const r = run;
    if (r.overflow) return 'Emore than ' + CFG.maxCommands + ' auth0.users updates in one login';
    let s;
    try { s = JSONStringify({ user: r.user, context: r.context, commands: r.commands }); } catch (e) { return 'E' + describe(e); }
    if (typeof s !== 'string') return 'Ethe user and context are not JSON';
    if (s.length > CFG.maxOutputBytes) return 'L' + s.length;
    return 'J' + s;
  },
  endActions: function () {
    const r = run;
    if (r.overflow) return 'Emore than ' + CFG.maxCommands + ' api calls in one login';
    const s = JSONStringify(r.commands);
    if (s.length > CFG.maxOutputBytes) return 'L' + s.length;
    return 'J' + s;
  },
  droppedLogs: function () { return run === null ? 0 : run.dropped; },
});
`;
