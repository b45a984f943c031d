// `tessera up`: serves the AWS-compatible API (IAM, STS, EC2) on one origin, with state in the data
// directory, and prints how to use it. The IdP, the console and scenarios join it in issues #5–#6.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { ConfigError, DEFAULT_HOST, DEFAULT_PORT, startTessera } from '../main.js';
import type { CliIo, ExitCode } from './io.js';
import { EXIT, UsageError } from './io.js';
import { VERSION } from './version.js';

export const UP_HELP = `Usage: tessera up [--port N] [--data DIR] [--host H]

Serves Tessera's AWS-compatible API — IAM, STS and EC2 on the real wire protocols — on one origin.

Options:
  --port N     TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H     address to bind (default ${DEFAULT_HOST})
  --data DIR   state directory: SQLite store, master key, audit log (default ./.tessera)

Admin credentials: TESSERA_ADMIN_ACCESS_KEY_ID and TESSERA_ADMIN_SECRET_ACCESS_KEY when set;
otherwise generated on first start, kept (sealed) in the data directory and printed.
TESSERA_MASTER_KEY (base64 of 32 bytes) replaces the data directory's master.key.
`;

export async function upCommand(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<ExitCode> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
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
  const dataDir = resolve(values.data ?? '.tessera');
  const started = Date.now();
  // Listen for the stop signals before anything is printed: a supervisor that sends SIGTERM the
  // moment the ready line appears must get a clean shutdown, not the default kill.
  const stopped = new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  let tessera;
  try {
    tessera = await startTessera({ dataDir, port, host: values.host ?? DEFAULT_HOST });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr.write(`tessera up: ${e.message}\n`);
      return EXIT.usage;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.stderr.write(`tessera up: cannot listen on ${values.host ?? DEFAULT_HOST}:${port}: ${code}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  const { admin, url } = tessera;
  const origin = {
    environment: 'from TESSERA_ADMIN_ACCESS_KEY_ID / TESSERA_ADMIN_SECRET_ACCESS_KEY',
    scenario: 'from the scenario',
    stored: `kept in ${dataDir}`,
    generated: `generated now and kept in ${dataDir}`,
  }[admin.source];
  io.stdout.write(`Tessera ${VERSION} ready in ${Date.now() - started} ms on ${url}
  AWS API (IAM, STS, EC2; account ${tessera.env.accountId}, region ${tessera.env.defaultRegion}): ${url}
  state: ${dataDir} (audit log: audit.log)

Admin credentials (${origin}) as an AWS CLI profile — add to ~/.aws/credentials:
  [tessera]
  aws_access_key_id = ${admin.accessKeyId}
  aws_secret_access_key = ${admin.secretAccessKey}
  region = ${tessera.env.defaultRegion}

Then:
  aws --profile tessera --endpoint-url ${url} sts get-caller-identity
  aws --profile tessera --endpoint-url ${url} ec2 describe-regions

Stop with Ctrl-C.
`);
  await stopped;
  await tessera.close();
  io.stdout.write('Tessera stopped.\n');
  return EXIT.ok;
}
