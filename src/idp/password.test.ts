import { describe, expect, it } from 'vitest';
import { dummyPasswordHash, hashPassword, MAX_PASSWORD_BYTES, PasswordPolicyError, SCRYPT_PARAMS, verifyPassword } from './password.js';

describe('password hashing', () => {
  it('uses at least OWASP scrypt parameters and a PHC string with its salt', async () => {
    expect(SCRYPT_PARAMS.N).toBeGreaterThanOrEqual(2 ** 17);
    expect(SCRYPT_PARAMS.r).toBeGreaterThanOrEqual(8);
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hashPassword('correct horse')).not.toBe(h);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('Passw0rd!');
    expect(await verifyPassword('Passw0rd!', h)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword('passw0rd!', h)).ok).toBe(false);
  });

  it('refuses malformed and hostile stored hashes without hashing with their parameters', async () => {
    expect((await verifyPassword('x', 'plain')).ok).toBe(false);
    expect((await verifyPassword('x', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).ok).toBe(false);
  });

  it('caps the password length before hashing (hashing DoS) and refuses an empty one', async () => {
    await expect(hashPassword('x'.repeat(MAX_PASSWORD_BYTES + 1))).rejects.toBeInstanceOf(PasswordPolicyError);
    await expect(hashPassword('')).rejects.toBeInstanceOf(PasswordPolicyError);
    expect((await verifyPassword('x'.repeat(MAX_PASSWORD_BYTES + 1), await dummyPasswordHash())).ok).toBe(false);
  });

  it('asks for a rehash when the stored parameters are weaker than today\'s', async () => {
    // A hash made with ln=14 (N=2^14), as an older build might have stored.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.alloc(16, 7);
    const key = scryptSync('pw', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const weak = `$scrypt$ln=14,r=8,p=1$${salt.toString('base64').replace(/=+$/, '')}$${key.toString('base64').replace(/=+$/, '')}`;
    expect(await verifyPassword('pw', weak)).toEqual({ ok: true, needsRehash: true });
  });
});
