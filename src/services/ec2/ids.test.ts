import { describe, expect, it } from 'vitest';
import { isImageId, isInstanceId } from './ids.js';

describe('EC2 id shapes', () => {
  it.each(['i-12345678', 'i-0123456789abcdef0'])('accepts %s', (id) => expect(isInstanceId(id)).toBe(true));
  it.each(['i-1234567', 'i-123456789', 'i-0123456789ABCDEF0', 'i-eCHmOTcEW0OZ9KbNe', 'ma1', 'i12345678', 'ami-12345678', ''])('refuses %s', (id) =>
    expect(isInstanceId(id)).toBe(false),
  );
  it('checks image ids', () => {
    expect(isImageId('ami-0abcdef1234567890')).toBe(true);
    expect(isImageId('ami-xyz')).toBe(false);
  });
});
