// Worker entry of isolate.js: import the module, run the named case, post its result back.

import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, caseName, args } = workerData;
try {
  const mod = await import(moduleUrl);
  const fn = mod[caseName];
  if (typeof fn !== 'function') throw new Error(`\`${moduleUrl}\` has no case \`${caseName}\``);
  const value = await fn(args);
  parentPort.postMessage({ ok: true, value });
} catch (e) {
  parentPort.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
}
