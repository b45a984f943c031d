// `tessera up`: serves IdP, AWS API and console once they exist (issues #4–#6). Until then it
// says plainly what this build can do — it never starts a server that does nothing.
import type { CliIo, ExitCode } from './io.js';
import { EXIT } from './io.js';
import { VERSION } from './version.js';

export const UP_HELP = `Usage: tessera up [--scenario FILE] [--port N] [--data DIR] [--host H]

Serves Tessera (identity provider, AWS-compatible IAM/STS/EC2 API, console) on one origin.
`;

export function upCommand(argv: readonly string[], io: CliIo): ExitCode {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(UP_HELP);
    return EXIT.ok;
  }
  io.stdout.write(`Tessera ${VERSION} — this build has the IAM policy engine and the SAML core; the server is not built yet.

What works now:
  tessera simulate --input request.json      IAM SimulateCustomPolicy offline, with explanations
  tessera policy validate policy.json        IAM's validation plus Access-Analyzer-style warnings
  tessera saml verify --metadata M --response R   verify a SAML response as AWS STS does

Try the seed guide's policy:
  tessera policy validate examples/seed-policy.json
  tessera simulate --input examples/simulate-seed.json

Not yet: the identity provider, the AWS API on http://127.0.0.1:4750, the console, \`tessera check\`
and \`tessera login\` (the project's issues #4–#6).
`);
  return EXIT.ok;
}
