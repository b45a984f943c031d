// The wire between the host and a sandbox child: length-prefixed JSON frames on a private pipe (fd 3).
// A frame larger than the reader's cap is a protocol violation: the host kills the child rather than
// buffer it (a compromised child must not be able to exhaust the host's memory, CWE-400).

import type { SandboxFailure } from './types.js';

/** Host → child. Inputs are JSON text; the child never parses them, the isolate does. */
export type ChildRequest =
  | {
      readonly type: 'rules';
      readonly id: number;
      readonly tenant: string;
      /** `{"user":…,"context":…,"configuration":…}` */
      readonly inputJson: string;
      readonly rules: readonly { readonly name: string; readonly script: string }[];
    }
  | {
      readonly type: 'actions';
      readonly id: number;
      readonly tenant: string;
      /** `{"executedRules":[…]}` */
      readonly inputJson: string;
      /** The event without secrets; each action gets a fresh parse of it plus its own `secrets`. */
      readonly eventJson: string;
      readonly actions: readonly { readonly id: string; readonly name: string; readonly code: string; readonly secretsJson: string }[];
    };

/** Configuration the child reads once, from its first frame. */
export interface ChildConfig {
  readonly type: 'config';
  readonly memoryLimitMb: number;
  readonly cpuTimeoutMs: number;
  readonly wallTimeoutMs: number;
  readonly maxOutputBytes: number;
}

/** Child → host. Everything here is untrusted until `outcome.ts` has checked it. */
export type ChildMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'log'; readonly id: number; readonly step: number; readonly line: string }
  /** Sent as each rule or action starts, so a kill by the host can still name the script that was running. */
  | { readonly type: 'step'; readonly id: number; readonly step: number }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly ok: true;
      /** The pipeline's output JSON, exactly as the isolate serialised it. */
      readonly output: string;
      readonly droppedLogs: number;
      readonly rss: number;
    }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly ok: false;
      readonly failure: SandboxFailure;
      readonly reason: string;
      /** Index of the rule or action that failed. */
      readonly step?: number;
      readonly publicMessage?: string;
      readonly droppedLogs: number;
      readonly rss: number;
      /** The isolate or the child may be damaged (CPU timeout, memory, internal error): replace the child. */
      readonly fault: boolean;
    };

const HEADER = 4;

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER);
  return frame;
}

export class FrameTooLargeError extends Error {
  constructor(readonly size: number, readonly max: number) {
    super(`frame of ${size} bytes exceeds ${max} bytes`);
  }
}

/** Splits a byte stream into frame bodies (UTF-8 text). Throws FrameTooLargeError on an oversized header. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): string[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: string[] = [];
    for (;;) {
      if (this.buffered < HEADER) break;
      let head = this.chunks[0] as Buffer;
      if (head.length < HEADER) {
        head = Buffer.concat(this.chunks);
        this.chunks = [head];
      }
      const size = head.readUInt32BE(0);
      // Refuse at the header: never wait for (or buffer) the body of an oversized frame.
      if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      if (this.buffered < HEADER + size) break;
      const all = this.chunks.length === 1 ? head : Buffer.concat(this.chunks);
      out.push(all.toString('utf8', HEADER, HEADER + size));
      const rest = all.subarray(HEADER + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return out;
  }
}
