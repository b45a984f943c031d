// `tessera saml verify` and `tessera saml decode`: the tool engineers reach for when AWS says
// "Your request included an invalid SAML response". verify runs the exact verification STS runs.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readAwsClaims, subjectType } from '../saml/aws.js';
import { decodeSamlResponse } from '../saml/decode.js';
import { SamlRejectedError } from '../saml/errors.js';
import { parseIdpMetadata } from '../saml/metadata.js';
import { verifySamlResponse } from '../saml/verify.js';
import { readInput } from './input.js';
import { type CliIo, EXIT, type ExitCode, UsageError } from './io.js';

export const SAML_HELP = `Usage:
  tessera saml verify --metadata FILE|URL --response FILE|- [--audience A]… [--recipient R]… [--now ISO-8601] [--strict]
  tessera saml decode --response FILE|-

verify runs the verification AWS STS AssumeRoleWithSAML runs (signature pinned to the metadata's
certificates, signature-wrapping and truncation defences, issuer, audience, recipient, time) and
prints the verified assertion as JSON: issuer, NameID and format, roles as role/provider pairs,
session name, session tags, transitive tag keys, source identity, duration, validity window — or the
AWS error code with the precise reason.
  --metadata   the identity provider's SAML metadata (file path, or an http(s) URL)
  --response   the SAMLResponse: the base64 a browser posts, or raw XML; - reads standard input
  --audience   accepted AudienceRestriction values (default: urn:amazon:webservices and
               https://signin.aws.amazon.com/saml)
  --recipient  accepted Recipient/Destination URLs (default: AWS's sign-in SAML endpoints)
  --now        the clock, for replaying an old response (default: now)
  --strict     refuse SHA-1 signatures and digests (accepted by default, as AWS does, with a warning)

decode prints the same fields WITHOUT verifying anything, marked "verified": false.

Exit status: 0 accepted (verify) or decoded, 1 rejected, 2 usage or unreadable input.
`;

async function readMetadata(where: string): Promise<string> {
  if (/^https?:\/\//.test(where)) {
    const res = await fetch(where, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new UsageError(`cannot fetch metadata from \`${where}\`: HTTP ${res.status}`);
    return res.text();
  }
  try {
    return await readFile(where, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read metadata \`${where}\`: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function isRaw(text: string): boolean {
  return text.trimStart().startsWith('<');
}

export async function samlCommand(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      metadata: { type: 'string' },
      response: { type: 'string' },
      audience: { type: 'string', multiple: true },
      recipient: { type: 'string', multiple: true },
      now: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const sub = positionals[0];
  if (values.help === true || sub === undefined) {
    io.stdout.write(SAML_HELP);
    return values.help === true ? EXIT.ok : EXIT.usage;
  }
  if (sub !== 'verify' && sub !== 'decode') throw new UsageError(`unknown saml command \`${sub}\` (verify or decode)`);
  if (values.response === undefined) throw new UsageError(`saml ${sub} needs --response FILE (or - for standard input)`);
  const response = (await readInput(values.response, io)).trim();

  if (sub === 'decode') {
    try {
      io.stdout.write(`${JSON.stringify(decodeSamlResponse(response), null, 2)}\n`);
      return EXIT.ok;
    } catch (e) {
      if (!(e instanceof SamlRejectedError)) throw e;
      io.stderr.write(`tessera saml decode: unreadable SAML response: ${e.reason}: ${e.detail}\n`);
      return EXIT.usage;
    }
  }

  if (values.metadata === undefined) throw new UsageError('saml verify needs --metadata FILE|URL');
  let now = Date.now();
  if (values.now !== undefined) {
    now = Date.parse(values.now);
    if (!Number.isFinite(now)) throw new UsageError(`--now \`${values.now}\` is not an ISO-8601 instant`);
  }
  let idp: { entityId: string; certificates: readonly string[] };
  try {
    const md = parseIdpMetadata(await readMetadata(values.metadata));
    idp = { entityId: md.entityId, certificates: md.signingCertificates };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.stderr.write(`tessera saml verify: the metadata is not usable: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    const v = verifySamlResponse(response, {
      idp,
      now,
      rawXml: isRaw(response),
      strict: values.strict,
      ...(values.audience === undefined ? {} : { audiences: values.audience }),
      ...(values.recipient === undefined ? {} : { recipients: values.recipient }),
    });
    const aws = readAwsClaims(v);
    const out = {
      verified: true,
      issuer: v.issuer,
      nameId: { value: v.nameId.value, format: v.nameId.format, subjectType: subjectType(v.nameId.format) },
      roles: aws.roles.map((r) => ({ role: r.roleArn, provider: r.principalArn })),
      roleSessionName: aws.roleSessionName,
      sessionTags: Object.fromEntries(aws.sessionTags.map((t) => [t.key, t.value])),
      transitiveTagKeys: aws.transitiveTagKeys,
      sourceIdentity: aws.sourceIdentity,
      sessionDuration: aws.sessionDuration,
      validity: {
        issueInstant: v.issueInstant,
        notBefore: v.conditions.notBefore,
        notOnOrAfter: new Date(v.expiresAt).toISOString(),
        sessionNotOnOrAfter: v.authn.sessionNotOnOrAfter,
      },
      recipient: v.subjectConfirmation.recipient,
      audiences: v.conditions.audiences,
      signed: v.signed,
      algorithms: v.algorithms,
      warnings: [...v.warnings, ...aws.ignoredRoleValues.map((r) => `Role value ignored (not a role/provider ARN pair): ${r}`)],
      // What AssumeRoleWithSAML would still refuse in these claims (before the trust policy).
      awsProblems: aws.problems,
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof SamlRejectedError)) throw e;
    io.stdout.write(`${JSON.stringify({ verified: false, error: { code: e.code, message: e.message, reason: e.reason, detail: e.detail } }, null, 2)}\n`);
    return EXIT.failed;
  }
}
