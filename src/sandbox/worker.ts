// Entry point of a sandbox child process (started by pool.ts with an empty environment, no stdio, and a
// private pipe on fd 3). Reads its configuration, then one request at a time; exits when the host goes away.
// Never imported by the host.

import { Socket } from 'node:net';
import { MAX_FRAME_TO_CHILD } from './limits.js';
import { encodeFrame, FrameDecoder, type ChildConfig, type ChildMessage, type ChildRequest } from './protocol.js';
import { Runtime } from './runtime.js';

const channel = new Socket({ fd: 3, readable: true, writable: true });
const decoder = new FrameDecoder(MAX_FRAME_TO_CHILD);
let runtime: Runtime | null = null;

function send(message: ChildMessage): void {
  channel.write(encodeFrame(message));
}

function isConfig(m: unknown): m is ChildConfig {
  const c = m as Partial<ChildConfig> | null;
  return (
    typeof c === 'object' && c !== null && c.type === 'config' &&
    typeof c.memoryLimitMb === 'number' && typeof c.cpuTimeoutMs === 'number' &&
    typeof c.wallTimeoutMs === 'number' && typeof c.maxOutputBytes === 'number'
  );
}

function handle(text: string): void {
  const message: unknown = JSON.parse(text);
  if (runtime === null) {
    if (!isConfig(message)) process.exit(2);
    runtime = new Runtime(message, send);
    return;
  }
  const req = message as ChildRequest;
  if (req.type !== 'rules' && req.type !== 'actions') process.exit(2);
  send(runtime.run(req));
}

channel.on('data', (chunk: Buffer) => {
  for (const text of decoder.push(chunk)) handle(text);
});
// The host is gone (closed, crashed or killed): nothing may outlive it.
channel.on('end', () => process.exit(0));
channel.on('close', () => process.exit(0));
channel.on('error', () => process.exit(1));

send({ type: 'ready', pid: process.pid });
