// Runs one measurement case in a fresh worker thread: its own V8 isolate, so the JIT feedback,
// inline caches and heap of one case (a peer library, another policy set) never colour another's.
// The main thread only waits. Never measures anything itself.

import { Worker } from 'node:worker_threads';

const WORKER = new URL('./worker.js', import.meta.url);

/**
 * Imports `moduleUrl` in a new worker, awaits its export `caseName(args)` and resolves with the
 * (structured-cloneable) value it returns; rejects with the case's error.
 */
export function inWorker(moduleUrl, caseName, args) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: { moduleUrl: String(moduleUrl), caseName, args } });
    let settled = false;
    worker.once('message', (m) => {
      settled = true;
      if (m.ok) resolve(m.value);
      else reject(Object.assign(new Error(m.message), { stack: m.stack }));
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`case \`${caseName}\` exited with code ${code} without a result`));
    });
  });
}
