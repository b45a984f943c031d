// The `require` allow-list (security.md §5.2.6): crypto, querystring, url, uuid as vetted facades, checked
// against Node's own modules; `@version` stripped; everything else refused; no network capability at all.

import { createHash, createHmac } from 'node:crypto';
import { format as nodeFormat, parse as nodeParse, resolve as nodeResolve } from 'node:url';
import nodeQs from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSandboxBuilt, JANE } from '../../test/sandbox/support.js';
import { createSandbox } from './index.js';
import type { Sandbox } from './index.js';

let sandbox: Sandbox;
let seq = 0;

beforeAll(async () => {
  await ensureSandboxBuilt();
  sandbox = createSandbox({ cpuTimeoutMs: 1_000, wallTimeoutMs: 5_000 });
}, 180_000);
afterAll(async () => {
  await sandbox.close();
});

/** Runs `expr` (a JS expression) in a rule and returns its JSON value, or the failure. */
async function evaluate(expr: string): Promise<unknown> {
  const r = await sandbox.runRules({
    tenant: `require-${++seq}`,
    rules: [{ id: 'r', name: 'probe', script: `function (user, context, callback) { user.out = (${expr}); callback(null, user, context); }` }],
    user: JANE, context: {}, configuration: {},
  });
  return r.ok ? r.user['out'] : { failure: r.failure, reason: r.reason };
}

describe('crypto', () => {
  it('createHash matches node:crypto for every algorithm and encoding', async () => {
    for (const alg of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) {
      for (const enc of ['hex', 'base64', 'base64url'] as const) {
        const got = await evaluate(`require('crypto').createHash('${alg}').update('jane@example.com').update('é', 'utf8').digest('${enc}')`);
        expect(got, `${alg}/${enc}`).toBe(createHash(alg).update('jane@example.com').update('é', 'utf8').digest(enc));
      }
    }
  });

  it('createHmac matches node:crypto, with string and byte keys and inputs', async () => {
    expect(await evaluate("require('crypto').createHmac('sha256', 'secret').update('payload').digest('hex')")).toBe(createHmac('sha256', 'secret').update('payload').digest('hex'));
    expect(await evaluate("require('crypto').createHmac('sha1', new Uint8Array([1,2,3])).update('00ff', 'hex').digest('base64')")).toBe(
      createHmac('sha1', Buffer.from([1, 2, 3])).update(Buffer.from('00ff', 'hex')).digest('base64'),
    );
  });

  it('digest() without an encoding returns bytes with Buffer’s toString', async () => {
    expect(await evaluate("(function () { var b = require('crypto').createHash('sha256').update('x').digest(); return [b.length, b.toString('hex'), b.toString('base64')]; })()")).toEqual([
      32, createHash('sha256').update('x').digest('hex'), createHash('sha256').update('x').digest('base64'),
    ]);
  });

  it('randomBytes, randomUUID and timingSafeEqual', async () => {
    const [hex, len, uuid, eq, neq] = (await evaluate(
      "(function (c) { return [c.randomBytes(16).toString('hex'), c.randomBytes(0).length, c.randomUUID(), c.timingSafeEqual(new Uint8Array([1,2]), new Uint8Array([1,2])), c.timingSafeEqual(new Uint8Array([1,2]), new Uint8Array([1,3]))]; })(require('crypto'))",
    )) as [string, number, string, boolean, boolean];
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(len).toBe(0);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([eq, neq]).toEqual([true, false]);
  });

  it('refuses unknown algorithms, encodings and absurd sizes with errors thrown inside the isolate', async () => {
    expect(await evaluate("(function () { try { require('crypto').createHash('whirlpool'); } catch (e) { return e.message; } })()")).toBe('Digest method not supported');
    expect(await evaluate("(function () { try { require('crypto').createHash('sha256').digest('utf16'); } catch (e) { return e.name + ': ' + e.message; } })()")).toBe('TypeError: Unknown encoding: utf16');
    expect(await evaluate("(function () { try { require('crypto').randomBytes(1e9); } catch (e) { return e.name; } })()")).toBe('RangeError');
    expect(await evaluate("(function () { var h = require('crypto').createHash('sha256'); h.digest('hex'); try { h.digest('hex'); } catch (e) { return e.message; } })()")).toBe('Digest already called');
  });
});

describe('querystring', () => {
  it('parse and stringify agree with node:querystring', async () => {
    const q = 'a=1&b=x%20y&a=2&c=&d&e=%E2%82%AC+z&bad=%E0%A4%A';
    const parsed = await evaluate(`(function () { var o = require('querystring').parse(${JSON.stringify(q)}); return { proto: Object.getPrototypeOf(o) === null, v: Object.assign({}, o) }; })()`);
    expect(parsed).toEqual({ proto: true, v: { ...nodeQs.parse(q) } });
    const obj = { a: ['1', '2'], b: 'x y', n: 3, t: true, u: null, e: '€/&' };
    expect(await evaluate(`require('querystring').stringify(${JSON.stringify(obj)})`)).toBe(nodeQs.stringify(obj));
    expect(await evaluate("require('querystring').escape('a b&c')")).toBe(nodeQs.escape('a b&c'));
    expect(await evaluate("require('querystring').unescape('a%20b')")).toBe('a b');
  });
});

describe('url', () => {
  it('URL and URLSearchParams are globals and the url module’s, parsed by Node’s own parser', async () => {
    const got = await evaluate(
      "(function () { var U = require('url').URL; var u = new URL('https://user:pw@Example.COM:8443/a/../b?x=1#h'); return [U === URL, u.href, u.origin, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.username, String(u), JSON.stringify({ u: u })]; })()",
    );
    const u = new URL('https://user:pw@Example.COM:8443/a/../b?x=1#h');
    expect(got).toEqual([true, u.href, u.origin, u.host, u.hostname, u.port, u.pathname, u.search, u.hash, u.username, u.href, JSON.stringify({ u })]);
  });

  it('setters and searchParams stay in sync, as in Node', async () => {
    const got = await evaluate(
      "(function () { var u = new URL('https://a.example/p?x=1'); u.searchParams.append('y', 'a b'); u.searchParams.set('x', '2'); u.pathname = '/q r'; u.hash = 'frag'; var first = u.href; u.search = '?z=3'; return [first, u.href, u.searchParams.get('z'), u.searchParams.has('x')]; })()",
    );
    const u = new URL('https://a.example/p?x=1');
    u.searchParams.append('y', 'a b');
    u.searchParams.set('x', '2');
    u.pathname = '/q r';
    u.hash = 'frag';
    const first = u.href;
    u.search = '?z=3';
    expect(got).toEqual([first, u.href, '3', false]);
  });

  it('URLSearchParams serialises like WHATWG', async () => {
    const init = { a: "b c!'()~*", e: '€' };
    const got = await evaluate(`(function () { var p = new URLSearchParams(${JSON.stringify(init)}); p.append('a', '2'); p.sort(); return [p.toString(), p.getAll('a'), p.size, Array.from(p.keys())]; })()`);
    const p = new URLSearchParams(init);
    p.append('a', '2');
    p.sort();
    expect(got).toEqual([p.toString(), p.getAll('a'), 3, [...p.keys()]]);
  });

  it('invalid URLs throw a TypeError inside the isolate; URL.canParse answers', async () => {
    expect(await evaluate("(function () { try { new URL('not a url'); } catch (e) { return [e instanceof TypeError, e.message, URL.canParse('https://x'), URL.canParse('nope')]; } })()")).toEqual([true, 'Invalid URL', true, false]);
  });

  it('legacy url.parse / format / resolve agree with node:url', async () => {
    const href = 'http://user@host.example:8080/p/a/t/h?query=string&a=1#hash';
    const parsed = nodeParse(href, true);
    const got = (await evaluate(`(function (url) { var p = url.parse(${JSON.stringify(href)}, true); return { host: p.host, pathname: p.pathname, query: Object.assign({}, p.query), auth: p.auth, hash: p.hash, port: p.port, fmt: url.format({ protocol: 'https', hostname: 'x.example', pathname: '/a', query: { b: 'c d' } }), res: url.resolve('http://a.example/b/c', '../d') }; })(require('url'))`)) as Record<string, unknown>;
    expect(got).toEqual({
      host: parsed.host, pathname: parsed.pathname, query: { ...parsed.query }, auth: parsed.auth, hash: parsed.hash, port: parsed.port,
      fmt: nodeFormat({ protocol: 'https', hostname: 'x.example', pathname: '/a', query: { b: 'c d' } }),
      res: nodeResolve('http://a.example/b/c', '../d'),
    });
  });
});

describe('uuid', () => {
  it('v4, the uuid@3 default export, and uuid/v4', async () => {
    const got = (await evaluate("[require('uuid').v4(), require('uuid')(), require('uuid/v4')(), require('uuid').validate(require('uuid').v4()), require('uuid').version(require('uuid').v4())]")) as unknown[];
    for (const u of got.slice(0, 3)) expect(u).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(got.slice(0, 3)).size).toBe(3);
    expect(got.slice(3)).toEqual([true, 4]);
  });
});

describe('module names', () => {
  it('strips an inline version pin, as Auth0 Rules allow', async () => {
    expect(await evaluate("[require('uuid@3.3.2') === require('uuid'), require('crypto@1.0.0') === require('crypto'), require('node:url') === require('url')]")).toEqual([true, true, true]);
  });

  for (const name of ['fs', 'child_process', 'http', 'https', 'net', 'dns', 'request', 'request@2.88.0', 'axios', 'node-fetch', 'lodash', 'worker_threads', 'vm', 'module', '@scope/pkg@1.0.0']) {
    it(`require('${name}') throws an Error that fails the rule`, async () => {
      const r = (await evaluate(`require(${JSON.stringify(name)})`)) as { failure: string; reason: string };
      expect(r.failure).toBe('error');
      expect(r.reason).toContain('Cannot find module');
      expect(r.reason).toContain('the sandbox provides only crypto, querystring, url and uuid');
      expect(r.reason).not.toContain('@1.0.0');
    });
  }
});

describe('no network capability (X14 by absence)', () => {
  it('fetch, XMLHttpRequest, WebSocket, process, Buffer and timers do not exist', async () => {
    expect(
      await evaluate(
        "['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'navigator', 'process', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'module', 'exports', 'Deno', 'Bun'].filter(function (k) { return typeof globalThis[k] !== 'undefined'; })",
      ),
    ).toEqual([]);
  });
});
