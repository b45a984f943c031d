// `tessera up`: serves everything on one origin — the IdP, AWS's sign-in endpoint, the console and the
// AWS-compatible API (IAM, STS, EC2) — with a scenario's world (scenarios/seed.yaml by default),
// applied once per data directory, and prints how to use it: the IdP login URL, the console, the
// demo users, the admin credentials as an AWS CLI profile. Demo passwords stay on loopback.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse as parsePath, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, DEFAULT_HOST, DEFAULT_PORT, startTessera, type Tessera } from '../main.js';
import { isScenarioError } from '../scenario/errors.js';
import { loadScenario } from '../scenario/load.js';
import { issueLines } from '../scenario/report.js';
import type { Scenario } from '../scenario/schema.js';
import { checkRecord, ensureScenario, tesseraOptionsFor, type EnsureOutcome } from '../scenario/start.js';
import type { CliIo, ExitCode } from './io.js';
import { EXIT, UsageError } from './io.js';
import { VERSION } from './version.js';

/** The package root (where package.json names `tessera`), from src (tests) or dist alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const top = parsePath(dir).root;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'tessera') return dir;
      } catch {
        // not ours; keep walking
      }
    }
    if (dir === top) throw new Error('cannot find the tessera package root');
    dir = dirname(dir);
  }
}

/** scenarios/seed.yaml of the package: the seed guide's world, what `npm start` serves. */
export function defaultScenarioPath(): string {
  return join(packageRoot(), 'scenarios', 'seed.yaml');
}

/** 127.0.0.0/8, ::1 and localhost: the only addresses demo passwords may be served on. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export const UP_HELP = `Usage: tessera up [--scenario FILE|none] [--port N] [--data DIR] [--host H] [--store URL] [--node-id ID]

Serves Tessera on one origin: the identity provider (Auth0-compatible SAML, rules, Actions), AWS's
sign-in endpoint (/saml), the console (/console) and the AWS-compatible API — IAM, STS and EC2 on
the real wire protocols — with the world of a scenario file.

Options:
  --scenario FILE  the scenario to serve (default: the package's scenarios/seed.yaml, the seed
                   guide's world); \`none\` serves an empty account
  --port N         TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H         address to bind (default ${DEFAULT_HOST}); a scenario with passwords (demo
                   users) is served on loopback addresses only
  --data DIR       state directory: SQLite store, master key, audit log, the applied scenario's
                   record (default ./.tessera)
  --store URL      a PostgreSQL store shared by several Tessera nodes (postgres://USER@HOST/DB);
                   default TESSERA_DATABASE_URL, else SQLite in the data directory. A shared
                   store needs TESSERA_MASTER_KEY, the same on every node (docs/deploy.md)
  --node-id ID     this node's name in its audit records (default TESSERA_NODE_ID, else
                   hostname/pid)

A scenario is applied once per data directory; later starts reuse its world. A changed scenario on
the same data directory is refused: use a fresh --data directory (or remove the old one).

Admin credentials: TESSERA_ADMIN_ACCESS_KEY_ID and TESSERA_ADMIN_SECRET_ACCESS_KEY when set; else the
scenario's \`aws.admin\`; otherwise generated on first start, kept (sealed) in the data directory
and printed. TESSERA_MASTER_KEY (base64 of 32 bytes) replaces the data directory's master.key.
`;

export async function upCommand(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<ExitCode> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      scenario: { type: 'string' },
      store: { type: 'string' },
      'node-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(UP_HELP);
    return EXIT.ok;
  }
  // Decimal digits only: Number() would also read `0x1F90`, `1e3` or an empty string.
  const port = values.port === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, not \`${values.port ?? ''}\``);
  const host = values.host ?? DEFAULT_HOST;
  const dataDir = resolve(values.data ?? '.tessera');
  const started = Date.now();

  let scenario: Scenario | undefined;
  if (values.scenario !== 'none') {
    const path = values.scenario ?? defaultScenarioPath();
    if (values.scenario === '') throw new UsageError('--scenario needs a file (or `none`)');
    const loaded = loadScenario(path);
    if (!loaded.ok) {
      io.stderr.write(issueLines(loaded.issues));
      io.stderr.write(`tessera up: ${loaded.file}: the scenario is not valid; nothing was started\n`);
      return EXIT.usage;
    }
    if (loaded.warnings.length > 0) io.stderr.write(issueLines(loaded.warnings));
    scenario = loaded.scenario;
    const demo = scenario.idp.users.filter((u) => u.password !== undefined);
    if (demo.length > 0 && !isLoopback(host)) {
      io.stderr.write(
        `tessera up: refusing to serve ${scenario.file} on ${host}: its users have passwords written in the file ` +
          `(demo users: ${demo.map((u) => u.email).join(', ')}), which anyone who can read it knows. ` +
          `Bind to a loopback address (--host 127.0.0.1), or serve a scenario without passwords.\n`,
      );
      return EXIT.usage;
    }
    try {
      checkRecord(dataDir, scenario);
    } catch (e) {
      if (!isScenarioError(e)) throw e;
      io.stderr.write(`tessera up: ${e.message}\n`);
      return EXIT.usage;
    }
  }

  // Listen for the stop signals before anything is printed: a supervisor that sends SIGTERM the
  // moment the ready line appears must get a clean shutdown, not the default kill.
  const stopped = new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  let tessera: Tessera;
  try {
    tessera = await startTessera({
      dataDir,
      port,
      host,
      ...(values.store === undefined ? {} : { store: values.store }),
      ...(values['node-id'] === undefined ? {} : { nodeId: values['node-id'] }),
      ...(scenario === undefined ? {} : tesseraOptionsFor(scenario)),
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`tessera up: ${e.message}\n`);
      return EXIT.usage;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.stderr.write(`tessera up: cannot listen on ${host}:${port}: ${code}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  let applied: EnsureOutcome | undefined;
  if (scenario !== undefined) {
    try {
      applied = await ensureScenario(tessera, scenario, new Date());
    } catch (e) {
      await tessera.close();
      if (isScenarioError(e)) {
        if (e.issues.length > 0) io.stderr.write(issueLines(e.issues));
        io.stderr.write(`tessera up: ${e.code === 'ERR_SCENARIO_APPLY' ? `${scenario.file} could not be applied; nothing of it was kept` : e.message}\n`);
        if (e.code === 'ERR_SCENARIO_APPLY' && !tessera.storeLocation.startsWith('sqlite:')) {
          // A shared store: the world is applied once, by one node; its record stays in that node's data directory.
          io.stderr.write(`tessera up: ${tessera.storeLocation} is shared by several nodes: if another node applied this world already, start this one with --scenario none\n`);
        }
        return EXIT.usage;
      }
      throw e;
    }
  }
  io.stdout.write(banner(tessera, dataDir, started, scenario, applied));
  await stopped;
  await tessera.close();
  io.stdout.write('Tessera stopped.\n');
  return EXIT.ok;
}

/** A POSIX shell single-quoted word. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function banner(tessera: Tessera, dataDir: string, started: number, scenario: Scenario | undefined, applied: EnsureOutcome | undefined): string {
  const { admin, url } = tessera;
  const origin = {
    environment: 'from TESSERA_ADMIN_ACCESS_KEY_ID / TESSERA_ADMIN_SECRET_ACCESS_KEY',
    scenario: 'from the scenario',
    stored: `kept in ${dataDir}`,
    generated: `generated now and kept in ${dataDir}`,
  }[admin.source];
  const lines: string[] = [`Tessera ${VERSION} ready in ${Date.now() - started} ms on ${url}`];
  const app = applied?.record.world.clients.find((c) => c.samlp);
  if (scenario !== undefined && applied !== undefined) {
    lines.push(`  scenario: ${scenario.file} (${applied.applied ? 'applied now' : `as applied at ${applied.record.appliedAt}`})`);
    for (const c of applied.record.world.clients.filter((x) => x.samlp)) lines.push(`  IdP login URL (${c.name}): ${c.loginUrl}`);
    lines.push(`  console: ${tessera.idp.urls.origin}/console (after logging in at the IdP)`);
  }
  lines.push(`  AWS API (IAM, STS, EC2; account ${tessera.env.accountId}, region ${tessera.env.defaultRegion}): ${url}`);
  lines.push(
    tessera.storeLocation.startsWith('sqlite:')
      ? `  state: ${dataDir} (audit log: audit.log)`
      : `  store: ${tessera.storeLocation} (shared); this node: ${tessera.nodeId}, audit log ${dataDir}/audit.log`,
  );
  const users = scenario?.idp.users.filter((u) => u.password !== undefined) ?? [];
  if (users.length > 0) {
    lines.push('', 'Demo users (passwords from the scenario file):');
    const w = Math.max(...users.map((u) => u.email.length));
    for (const u of users) lines.push(`  ${u.email.padEnd(w)}  password: ${u.password as string}`);
  }
  lines.push(
    '',
    `Admin credentials (${origin}) as an AWS CLI profile — add to ~/.aws/credentials:`,
    '  [tessera]',
    `  aws_access_key_id = ${admin.accessKeyId}`,
    `  aws_secret_access_key = ${admin.secretAccessKey}`,
    `  region = ${tessera.env.defaultRegion}`,
    '',
    'Then:',
  );
  const first = users[0];
  if (app !== undefined && first !== undefined) {
    lines.push(`  open ${app.loginUrl} and log in as ${first.email}`);
    lines.push(`  TESSERA_PASSWORD=${shellQuote(first.password as string)} tessera login --user ${first.email} --endpoint ${url} --app ${app.clientId}`);
  }
  lines.push(`  aws --profile tessera --endpoint-url ${url} sts get-caller-identity`);
  lines.push(`  aws --profile tessera --endpoint-url ${url} ec2 describe-instances`);
  lines.push('', 'Stop with Ctrl-C.', '');
  return lines.join('\n');
}
