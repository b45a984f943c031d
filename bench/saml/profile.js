// Runs one of the SAML benchmark's loops for a few seconds so `node --cpu-prof` can see where the
// time goes; not part of `npm run bench`. Needs `npm run build` first.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/tessera-profiles bench/saml/profile.js verify          [seconds]
//   node --cpu-prof --cpu-prof-dir=/tmp/tessera-profiles bench/saml/profile.js sign            [seconds]
//   node --cpu-prof --cpu-prof-dir=/tmp/tessera-profiles bench/saml/profile.js verify-node-saml [seconds]
//   node bench/lib/profile-top.js /tmp/tessera-profiles/<file>.cpuprofile
//
// (*.cpuprofile is git-ignored.)

import { performance } from 'node:perf_hooks';
import { nodeSaml, proveOurs, world } from './fixture.js';

const which = process.argv[2] ?? 'verify';
const seconds = Number(process.argv[3] ?? 5);
const w = await world();
const end = performance.now() + seconds * 1000;
let ops = 0;
if (which === 'verify') {
  proveOurs(w);
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) w.s.verifySamlResponse(w.base64, w.verifyOptions);
    ops += 10;
  }
} else if (which === 'sign') {
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) w.s.encodePostBinding(w.s.buildResponse(w.spec, w.signing));
    ops += 10;
  }
} else if (which === 'verify-node-saml') {
  const sp = nodeSaml(w.credential.certificatePem);
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) await sp.validatePostResponseAsync({ SAMLResponse: w.base64 });
    ops += 10;
  }
} else {
  console.error('usage: profile.js verify|sign|verify-node-saml [seconds]');
  process.exit(2);
}
console.log(`${which}: ${ops.toLocaleString('en-US')} ops in ${seconds} s (profiling slows this down)`);
