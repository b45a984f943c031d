// The tenant's signing certificate in Auth0's download forms (auth0.md §4.3, §5; S-idp "Download
// Certificates"): `/pem`, `/cer` (DER), `/rawpem` (the base64 body without armour) and
// `/fingerprint` (SHA-1, colon hex). Public data; the private key never comes near this file.

import type { Answer } from './http.js';
import type { IdpContext } from './samlp.js';

export const CERT_ROUTES = ['/pem', '/cer', '/rawpem', '/fingerprint'] as const;
export type CertRoute = (typeof CERT_ROUTES)[number];

export async function certificate(ctx: IdpContext, route: CertRoute): Promise<Answer> {
  const key = await ctx.idp.keys.current();
  const file = ctx.idp.tenant.host.replace(/[^A-Za-z0-9.-]/g, '_');
  const common = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
  switch (route) {
    case '/pem':
      return { status: 200, headers: { ...common, 'Content-Type': 'application/x-pem-file', 'Content-Disposition': `attachment; filename="${file}.pem"` }, body: key.certificatePem };
    case '/cer':
      return { status: 200, headers: { ...common, 'Content-Type': 'application/pkix-cert', 'Content-Disposition': `attachment; filename="${file}.cer"` }, body: key.certificateDer };
    case '/rawpem':
      return { status: 200, headers: { ...common, 'Content-Type': 'text/plain; charset=utf-8' }, body: key.certificateBase64 };
    case '/fingerprint':
      return { status: 200, headers: { ...common, 'Content-Type': 'text/plain; charset=utf-8' }, body: key.fingerprints.sha1 };
    default: {
      const never: never = route;
      throw new Error(`unknown certificate route ${String(never)}`);
    }
  }
}
