// The `tessera` command line: dispatches verbs, maps errors to DESIGN.md's exit codes.
// Each command's module is loaded only when it runs: `tessera up` does not pay for the others'
// imports at start-up (measured: ~520 → ~360 ms of module loading, bench/startup.js).
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js';
import { VERSION } from './version.js';

const HELP = `Usage: tessera <command> [options]

Commands:
  up                 serve everything (IdP, sign-in, console, IAM/STS/EC2) with a scenario's world
  login              log in at the IdP and print temporary AWS credentials (env, json, credential_process)
  check              prove a scenario's expectations through the real protocols (CI for access control)
  matrix             who can do what: every user × role × action × resource of a scenario
  simulate           evaluate IAM policies offline (SimulateCustomPolicy JSON in and out)
  policy validate    validate a policy document, with warnings
  saml verify        verify a SAML response as AWS STS does (saml decode: read it unverified)
  rekey              rotate the master key (rewrap the store's sealing key under TESSERA_NEW_MASTER_KEY)
  version            print the version

Run \`tessera <command> --help\` for a command's options.
Exit status: 0 success, 1 a check failed, 2 usage or input error.
`;

export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [verb, ...rest] = argv;
  try {
    switch (verb) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(HELP);
        return verb === undefined ? EXIT.usage : EXIT.ok;
      case 'version':
      case '--version':
        io.stdout.write(`${VERSION}\n`);
        return EXIT.ok;
      case 'up':
        return await (await import('./up.js')).upCommand(rest, io);
      case 'check':
        return await (await import('./check.js')).checkCommand(rest, io);
      case 'login':
        return await (await import('./login.js')).loginCommand(rest, io);
      case 'matrix':
        return await (await import('./matrix.js')).matrixCommand(rest, io);
      case 'simulate':
        return await (await import('./simulate.js')).simulateCommand(rest, io);
      case 'policy':
        return await (await import('./policy.js')).policyCommand(rest, io);
      case 'saml':
        return await (await import('./saml.js')).samlCommand(rest, io);
      case 'rekey':
        return await (await import('./rekey.js')).rekeyCommand(rest, io);
      default:
        io.stderr.write(`tessera: unknown command \`${verb}\`\n\n${HELP}`);
        return EXIT.usage;
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`tessera ${verb}: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
