import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier, displayNameOf, InvalidToken, type VerifierOptions } from '../src/auth';
import { createTestIssuer, type TestIssuer } from '../src/testing';

const options = (issuer: TestIssuer, overrides: Partial<VerifierOptions> = {}): VerifierOptions => ({
  issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl, roleClaim: 'role', adminRole: 'admin', ...overrides,
});

describe('token verification', () => {
  let ours: TestIssuer;
  let theirs: TestIssuer;

  beforeAll(async () => {
    [ours, theirs] = await Promise.all([createTestIssuer(), createTestIssuer()]);
  });
  afterAll(async () => {
    await Promise.all([ours?.close(), theirs?.close()]);
  });

  it('accepts a second, external issuer when configured, and refuses it when not', async () => {
    const token = await theirs.token({ role: 'admin' });
    await expect(createTokenVerifier(options(theirs))(token)).resolves.toMatchObject({ role: 'admin' });
    await expect(createTokenVerifier(options(ours))(token)).rejects.toBeInstanceOf(InvalidToken);
  });

  it('maps a provider\'s role claim by configuration (Keycloak-style nested roles)', async () => {
    const verify = createTokenVerifier(options(theirs, { roleClaim: 'realm_access.roles', adminRole: 'shop-admin' }));
    const admin = await theirs.token({ role: 'ignored', extra: { realm_access: { roles: ['offline_access', 'shop-admin'] } } });
    const customer = await theirs.token({ extra: { realm_access: { roles: ['offline_access'] } } });
    await expect(verify(admin)).resolves.toMatchObject({ role: 'admin' });
    await expect(verify(customer)).resolves.toMatchObject({ role: 'customer' });
  });

  it('keeps UUID subjects and maps other subjects to a stable UUID per issuer', async () => {
    const verify = createTokenVerifier(options(theirs));
    const uuid = '3f2018ac-e004-4ee8-91e9-e6fc6cefab52';
    expect((await verify(await theirs.token({ sub: uuid }))).id).toBe(uuid);
    const a = await verify(await theirs.token({ sub: 'auth0|123' }));
    const b = await verify(await theirs.token({ sub: 'auth0|123' }));
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.id).toBe(a.id);
    expect((await verify(await theirs.token({ sub: 'auth0|124' }))).id).not.toBe(a.id);
  });

  it('after a key rotation, old tokens still verify and new ones verify after one JWKS refresh', async () => {
    const issuer = await createTestIssuer();
    try {
      const verify = createTokenVerifier(options(issuer));
      const before = await issuer.token();
      await verify(before);
      const fetched = issuer.jwksFetches;
      await issuer.rotate();
      const after = await issuer.token();
      await expect(verify(after)).resolves.toBeDefined();
      expect(issuer.jwksFetches).toBe(fetched + 1);
      await expect(verify(before)).resolves.toBeDefined();
      expect(issuer.jwksFetches).toBe(fetched + 1);
    } finally {
      await issuer.close();
    }
  });

  it('refuses a token from an unknown key after one JWKS refresh, and does not hammer the issuer', async () => {
    const issuer = await createTestIssuer();
    try {
      const verify = createTokenVerifier(options(issuer));
      await verify(await issuer.token());
      const fetched = issuer.jwksFetches;
      for (let i = 0; i < 5; i++) await expect(verify(await issuer.token({ unpublishedKey: true }))).rejects.toThrow('unknown key');
      expect(issuer.jwksFetches).toBe(fetched + 1);
    } finally {
      await issuer.close();
    }
  });

  describe('a token verified once', () => {
    afterEach(() => {
      vi.restoreAllMocks();
      vi.useRealTimers();
    });

    it('is answered from memory, without checking its signature again, until it expires; then it is refused', async () => {
      const verify = createTokenVerifier(options(ours));
      const token = await ours.token({ role: 'admin', expiresIn: 60 });
      const signatureChecks = vi.spyOn(globalThis.crypto.subtle, 'verify');
      await expect(verify(token)).resolves.toMatchObject({ role: 'admin' });
      await expect(verify(token)).resolves.toMatchObject({ role: 'admin' });
      expect(signatureChecks).toHaveBeenCalledTimes(1);

      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
      await expect(verify(token)).rejects.toThrow('expired');
    });

    it('is remembered as it is: a token that differs by one character is checked, and refused', async () => {
      const verify = createTokenVerifier(options(ours));
      const token = await ours.token();
      await verify(token);
      const tampered = `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
      await expect(verify(tampered)).rejects.toBeInstanceOf(InvalidToken);
    });
  });
});

describe('a principal\'s display name', () => {
  it('is the token\'s name, else its e-mail, else none', () => {
    expect(displayNameOf({ name: 'Ana Lima', email: 'ana@example.com' })).toBe('Ana Lima');
    expect(displayNameOf({ email: 'ana@example.com' })).toBe('ana@example.com');
    expect(displayNameOf({})).toBeNull();
  });
});
