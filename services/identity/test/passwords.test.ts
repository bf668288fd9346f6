import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PASSWORD_MIN_LENGTH } from '@pedidos/contracts/identity';
import { passwordProblems } from '../src/domain/password-policy';
import { hashPassword, needsRehash, verifyPassword } from '../src/passwords';

const COST = 10;

describe('password hashes', () => {
  it('verify the password they were made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery', COST);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('carry their parameters and a salt of their own', async () => {
    const [a, b] = [await hashPassword('same password', COST), await hashPassword('same password', COST)];
    const [scheme, n, r, p, salt, hash] = a.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', String(2 ** COST), '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same password');
  });

  it('made with another cost still verify, and ask to be redone', async () => {
    const stored = await hashPassword('an older password', COST);
    expect(await verifyPassword('an older password', stored)).toBe(true);
    expect(needsRehash(stored, COST)).toBe(false);
    expect(needsRehash(stored, COST + 1)).toBe(true);
  });

  it('treat the same text in another Unicode form as the same password', async () => {
    const stored = await hashPassword('caf\u00e9 com leite', COST);
    expect(await verifyPassword('cafe\u0301 com leite', stored)).toBe(true);
  });

  it('refuse anything tampered with, without throwing', async () => {
    const stored = await hashPassword('correct horse battery', COST);
    const parts = stored.split('$');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const tampered = [
      [parts[0], parts[1], parts[2], parts[3], parts[4], flip(parts[5]!)],
      [parts[0], parts[1], parts[2], parts[3], flip(parts[4]!), parts[5]],
      [parts[0], String(2 ** (COST + 1)), parts[2], parts[3], parts[4], parts[5]],
      [parts[0], '1000', parts[2], parts[3], parts[4], parts[5]],
      [parts[0], String(2 ** 30), parts[2], parts[3], parts[4], parts[5]],
      ['bcrypt', ...parts.slice(1)],
      parts.slice(0, 5),
      [...parts, 'extra'],
    ].map((p) => p.join('$'));
    for (const variant of [...tampered, '', 'plain text', stored.slice(0, -4)]) {
      expect(await verifyPassword('correct horse battery', variant), variant).toBe(false);
    }
  });
});

describe('the password policy', () => {
  it('accepts a long enough password of several characters that is not the email', () => {
    fc.assert(fc.property(
      fc.string({ minLength: PASSWORD_MIN_LENGTH, maxLength: 64, unit: 'grapheme' }).filter((s) => new Set([...s.toLowerCase()]).size > 1),
      (password) => {
        expect(passwordProblems(password, 'someone@example.com')).toEqual([]);
      },
    ));
  });

  it('refuses anything shorter than the minimum, counting characters not code units', () => {
    expect(passwordProblems('abc123', 'x@y.z')).toEqual([`must be at least ${PASSWORD_MIN_LENGTH} characters long`]);
    expect(passwordProblems('😀😁😂🤣😃😄😅😆😉', 'x@y.z')).toEqual([`must be at least ${PASSWORD_MIN_LENGTH} characters long`]);
    expect(passwordProblems('😀😁😂🤣😃😄😅😆😉😊', 'x@y.z')).toEqual([]);
  });

  it('refuses one character repeated, whatever its case', () => {
    expect(passwordProblems('aaaaaAAAAAaaaa', 'x@y.z')).toEqual(['must not be one character repeated']);
    expect(passwordProblems('aaaa', 'x@y.z')).toHaveLength(2);
  });

  it('refuses the email address itself', () => {
    expect(passwordProblems('Maria.Silva@Example.com', 'maria.silva@example.com')).toEqual(['must not be the email address']);
  });
});
