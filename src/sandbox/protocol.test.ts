import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameTooLargeError } from './protocol.js';

describe('frames', () => {
  it('round-trips messages split at every byte boundary', () => {
    const a = encodeFrame({ type: 'log', line: 'héllo' });
    const b = encodeFrame({ type: 'result', n: 1 });
    const all = Buffer.concat([a, b]);
    for (let cut = 0; cut <= all.length; cut++) {
      const d = new FrameDecoder(1024);
      const out = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(out.map((t) => JSON.parse(t) as unknown)).toEqual([{ type: 'log', line: 'héllo' }, { type: 'result', n: 1 }]);
    }
  });

  it('refuses an oversized frame at its header, before its body arrives', () => {
    const d = new FrameDecoder(16);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1_000_000_000, 0);
    expect(() => d.push(header)).toThrow(FrameTooLargeError);
  });
});
