// CanonicalURI for every service but S3 (the only kind Tessera serves): normalise, then encode again.
// Works on the raw path as received; never on a framework-decoded one (security.md V4).

import { uriEscape } from './encoding.js';

/**
 * [DOC UG:create-signed-request] "Each path segment must be URI-encoded twice … (except for Amazon S3)",
 * "normalize URI paths according to RFC 3986. Remove redundant and relative path components".
 * The raw request path is already encoded once by the client, so encoding its segments once more is the
 * second encoding. Normalisation as the SDKs do it (aws-sig-v4-test-suite normalize-path/*): empty and `.`
 * segments vanish, `..` removes the segment before it (never above the root), a trailing `/` stays when
 * any segment remains. An empty path is `/`.
 */
export function getCanonicalPath(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.length === 0) return '/';
  let out = '';
  for (const segment of segments) out += `/${uriEscape(segment)}`;
  return rawPath.endsWith('/') ? `${out}/` : out;
}
