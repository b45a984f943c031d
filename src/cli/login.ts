// `tessera login`: the whole federated login over HTTP, as a browser and the AWS CLI would do it —
// the IdP login URL, the login form (CSRF token and cookies), the auto-post form's SAMLResponse, STS
// AssumeRoleWithSAML unsigned — then the temporary credentials as environment variables, JSON, or
// the AWS CLI's credential_process JSON. The password is never printed, logged or put in a URL.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assumeRoleWithSaml, chooseRole, idpLogin } from '../scenario/federation.js';
import { AwsClient, Browser } from '../scenario/http.js';
import { readRecord } from '../scenario/start.js';
import type { CliIo, ExitCode } from './io.js';
import { EXIT, UsageError } from './io.js';

/** The seed scenario's AWS application (scenarios/seed.yaml `client_id`). */
export const DEFAULT_APP = 'AwsConsole';
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4750';
const FORMATS = ['env', 'json', 'credential-process'] as const;
type Format = (typeof FORMATS)[number];

export const LOGIN_HELP = `Usage: tessera login --user EMAIL [--password P] [--app CLIENT] [--role ROLE]
                     [--endpoint URL] [--format env|json|credential-process] [--duration SECONDS]

Logs in at Tessera's IdP as a browser does (login page, CSRF token, cookies), takes the SAML
response the IdP posts to the application, assumes the role with it (STS AssumeRoleWithSAML,
unsigned) and prints the temporary credentials.

Options:
  --user EMAIL       the user to log in as
  --password P       the password; else TESSERA_PASSWORD; else read from standard input
  --app CLIENT       the application's client_id or name (default: the one \`tessera up\` applied in
                     --data, else ${DEFAULT_APP}, the seed's)
  --role ROLE        the role ARN or name, when the assertion offers several
  --endpoint URL     Tessera's URL (default TESSERA_ENDPOINT, else ${DEFAULT_ENDPOINT})
  --format F         env (default): export lines for a shell; json: as aws sts assume-role-with-saml
                     prints it; credential-process: the AWS CLI's credential_process JSON
  --duration SECONDS DurationSeconds for the session (900 to the role's maximum)
  --data DIR         the data directory to read the applied scenario from (default ./.tessera)

Use it as an AWS CLI profile (~/.aws/config):
  [profile jane]
  credential_process = tessera login --user jane@example.com --format credential-process
  (the password from TESSERA_PASSWORD)
  aws --profile jane --endpoint-url ${DEFAULT_ENDPOINT} ec2 describe-instances

Exit status: 0 credentials printed; 1 the IdP or STS refused; 2 usage error, wrong password,
or Tessera not reachable.
`;

async function readPassword(io: CliIo, user: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') {
    // A terminal: prompt on stderr and read without echo.
    io.stderr.write(`Password for ${user}: `);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    try {
      return await new Promise<string>((done, fail) => {
        let typed = '';
        const onData = (chunk: string) => {
          for (const c of chunk) {
            if (c === '\r' || c === '\n') {
              stdin.off('data', onData);
              io.stderr.write('\n');
              done(typed);
              return;
            }
            if (c === '\u0003') {
              stdin.off('data', onData);
              fail(new UsageError('interrupted'));
              return;
            }
            if (c === '\u007f' || c === '\b') typed = typed.slice(0, -1);
            else typed += c;
          }
        };
        stdin.on('data', onData);
      });
    } finally {
      stdin.setRawMode(false);
      stdin.pause();
    }
  }
  let text = '';
  for await (const chunk of io.stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** The login URL of `app` (client_id or name) on `endpoint`. */
function appClientId(app: string | undefined, dataDir: string, endpoint: string): string {
  let record;
  try {
    record = existsSync(dataDir) ? readRecord(dataDir) : undefined;
  } catch {
    record = undefined;
  }
  const clients = record?.world.clients.filter((c) => c.samlp) ?? [];
  if (app !== undefined) return clients.find((c) => c.name === app)?.clientId ?? app;
  const sameServer = record !== undefined && new URL(record.world.origin).port === new URL(endpoint).port;
  return sameServer && clients[0] !== undefined ? clients[0].clientId : DEFAULT_APP;
}

export async function loginCommand(argv: readonly string[], io: CliIo, environment: Readonly<Record<string, string | undefined>> = process.env): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      user: { type: 'string' },
      password: { type: 'string' },
      app: { type: 'string' },
      role: { type: 'string' },
      endpoint: { type: 'string' },
      format: { type: 'string' },
      duration: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) {
    io.stdout.write(LOGIN_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument \`${positionals[0] as string}\``);
  const user = values.user;
  if (user === undefined || user === '') throw new UsageError('--user EMAIL is required');
  const format = (values.format ?? 'env') as Format;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not \`${format}\``);
  let duration: number | undefined;
  if (values.duration !== undefined) {
    if (!/^\d{3,5}$/.test(values.duration)) throw new UsageError(`--duration must be a number of seconds (900 to 43200), not \`${values.duration}\``);
    duration = Number(values.duration);
  }
  const endpointText = values.endpoint ?? environment['TESSERA_ENDPOINT'] ?? DEFAULT_ENDPOINT;
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new TypeError('not http');
  } catch {
    throw new UsageError(`--endpoint must be Tessera's http(s) URL, not \`${endpointText}\``);
  }
  const password = values.password ?? environment['TESSERA_PASSWORD'] ?? (await readPassword(io, user));
  if (password === '') throw new UsageError('no password: give --password, set TESSERA_PASSWORD, or type it on standard input');
  const clientId = appClientId(values.app ?? environment['TESSERA_APP'], resolve(values.data ?? '.tessera'), endpoint.toString());

  const loginUrl = new URL(`/samlp/${encodeURIComponent(clientId)}`, endpoint).toString();
  let login;
  try {
    login = await idpLogin(new Browser(), loginUrl, user, password);
  } catch (e) {
    io.stderr.write(`tessera login: cannot reach Tessera at ${endpoint.origin} (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}); is it running? (tessera up)\n`);
    return EXIT.usage;
  }
  if (!login.ok) {
    io.stderr.write(`tessera login: ${login.kind === 'credentials' ? `${login.message} (${user})` : login.message}\n`);
    return login.kind === 'denied' || login.kind === 'blocked' ? EXIT.failed : EXIT.usage;
  }
  const chosen = chooseRole(login.roles, values.role);
  if (!chosen.ok) {
    io.stderr.write(`tessera login: ${chosen.message}${login.roles.length > 1 && values.role === undefined ? ' with --role' : ''}\n`);
    return login.roles.length > 1 ? EXIT.usage : EXIT.failed;
  }
  const assumed = await assumeRoleWithSaml(new AwsClient(endpoint.origin, 'us-east-1'), login.samlResponse, chosen.pair, duration);
  if (!assumed.ok) {
    io.stderr.write(`tessera login: STS AssumeRoleWithSAML refused ${chosen.pair.roleArn}: ${assumed.code}: ${assumed.message}\n`);
    return EXIT.failed;
  }
  const c = assumed.credentials;
  switch (format) {
    case 'env':
      io.stdout.write(
        `export AWS_ACCESS_KEY_ID=${c.AccessKeyId}\nexport AWS_SECRET_ACCESS_KEY=${c.SecretAccessKey}\nexport AWS_SESSION_TOKEN=${c.SessionToken}\n` +
          `export AWS_CREDENTIAL_EXPIRATION=${c.Expiration}\n# ${assumed.assumedRoleArn}; use with: aws --endpoint-url ${endpoint.origin} …\n`,
      );
      break;
    case 'json':
      io.stdout.write(JSON.stringify({ Credentials: c, AssumedRoleUser: { Arn: assumed.assumedRoleArn }, RoleArn: chosen.pair.roleArn, PrincipalArn: chosen.pair.principalArn }, null, 2) + '\n');
      break;
    case 'credential-process':
      // AWS CLI / SDK credential_process contract: Version 1 and the four fields.
      io.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration }) + '\n');
      break;
    default: {
      const never: never = format;
      return never;
    }
  }
  return EXIT.ok;
}
