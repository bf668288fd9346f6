import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { ConfigError, loadConfig, type Env } from '@pedidos/platform/config';
import { createLogger } from '@pedidos/platform/logger';
import { SHAPES, openTestAdapters, type TestAdapters } from '@pedidos/platform/testing';
import type { Adapters } from '@pedidos/platform/runtime';
import { buildIdentity } from '../src/app';
import { identityConfigSpec } from '../src/config';
import { users } from '../src/db/schema';
import { verifyPassword } from '../src/passwords';

// A pass-through spy: it shows which logins do the scrypt work, without timing anything.
vi.mock('../src/passwords', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/passwords')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const ISSUER = 'http://identity.test';
const TTL_S = 900;
const BASE_ENV: Env = {
  NODE_ENV: 'test',
  JWT_ISSUER: ISSUER,
  SCRYPT_COST: '10',
  LOGIN_RATE_LIMIT_PER_MIN: '10000',
  REGISTER_RATE_LIMIT_PER_MIN: '10000',
};
const PASSWORD = 'correct horse battery';

type App = Awaited<ReturnType<typeof buildIdentity>>;
type Method = 'GET' | 'POST';

/** A clock the tests can move forward or stop; the app reads it for keys, tokens and lockouts. */
const clock = {
  offsetMs: 0,
  stoppedAt: undefined as number | undefined,
  now: () => new Date((clock.stoppedAt ?? Date.now()) + clock.offsetMs),
};

async function startIdentity(adapters: Adapters, env: Env = {}): Promise<App> {
  const app = await buildIdentity({ ...adapters, config: loadConfig({ ...BASE_ENV, ...env }, identityConfigSpec), now: clock.now });
  await app.start();
  return app;
}

const client = (app: App) => {
  const inject = (method: Method, url: string, payload?: object, headers: Record<string, string> = {}, remoteAddress?: string) =>
    app.http.inject({ method, url, ...(payload ? { payload } : {}), headers, ...(remoteAddress ? { remoteAddress } : {}) });
  return {
    inject,
    register: (body: object) => inject('POST', '/api/auth/register', body),
    login: (email: string, password: string, from?: string) => inject('POST', '/api/auth/login', { email, password }, {}, from),
    refresh: (refreshToken: string, from?: string) => inject('POST', '/api/auth/refresh', { refreshToken }, {}, from),
    logout: (refreshToken: string) => inject('POST', '/api/auth/logout', { refreshToken }),
    me: (authorization?: string) => inject('GET', '/api/auth/me', undefined, authorization === undefined ? {} : { authorization }),
    jwks: async () => (await inject('GET', '/.well-known/jwks.json')).json() as JSONWebKeySet,
  };
};

let emails = 0;
const newEmail = (who = 'user') => `${who}-${++emails}-${Date.now()}@example.com`;

describe.each(SHAPES)('identity service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: App;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    app = await startIdentity(adapters);
    api = client(app);
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
  });
  afterEach(() => {
    clock.offsetMs = 0;
    clock.stoppedAt = undefined;
  });

  const registered = async (who = 'user') => {
    const email = newEmail(who);
    const response = await api.register({ email, password: PASSWORD, name: `Cliente ${who}` });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; email: string; name: string; role: string };
  };
  const loggedIn = async (email: string, password = PASSWORD, from?: string) => {
    const response = await api.login(email, password, from);
    expect(response.statusCode).toBe(200);
    return response.json() as { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string; role: string } };
  };
  const verifyAgainstJwks = async (token: string) =>
    jwtVerify(token, createLocalJWKSet(await api.jwks()), { issuer: ISSUER, audience: 'pedidos', algorithms: ['EdDSA'] });

  describe('registration', () => {
    it('creates a customer, never echoing the password', async () => {
      const response = await api.register({ email: 'Maria.Silva@Example.com', password: PASSWORD, name: 'Maria Silva' });
      expect(response.statusCode).toBe(201);
      const user = response.json();
      expect(user).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'maria.silva@example.com', name: 'Maria Silva', role: 'customer' });
      expect(response.body).not.toContain(PASSWORD);
      expect(response.body).not.toContain('scrypt');
    });

    it('refuses an email already taken, whatever its case, with 409', async () => {
      const { email } = await registered();
      const again = await api.register({ email: email.toUpperCase(), password: 'another password 2', name: 'Outro' });
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      expect(again.json()).toMatchObject({ status: 409, code: 'USER.EMAIL_TAKEN' });
      // The first account is untouched: its password still works, the second one does not.
      await loggedIn(email);
      expect((await api.login(email, 'another password 2')).statusCode).toBe(401);
    });

    const REFUSED: [string, (email: string) => object, string, RegExp][] = [
      ['a password too short', (email) => ({ email, password: 'abc12345', name: 'N' }), '/password', /at least 10 characters/],
      ['one character repeated', (email) => ({ email, password: 'zzzzzzzzzzzz', name: 'N' }), '/password', /one character repeated/],
      ['the email as password', (email) => ({ email, password: email.toUpperCase(), name: 'N' }), '/password', /email address/],
      ['a malformed email', () => ({ email: 'not-an-email', password: PASSWORD, name: 'N' }), '/email', /format/],
      ['no name', (email) => ({ email, password: PASSWORD }), '/name', /required/],
      ['a blank name', (email) => ({ email, password: PASSWORD, name: '   ' }), '/name', /pattern/],
      ['an unknown field', (email) => ({ email, password: PASSWORD, name: 'N', role: 'admin' }), '/role', /not allowed/],
    ];
    for (const [what, body, path, message] of REFUSED) {
      it(`refuses ${what} with 400 naming ${path}, and writes nothing`, async () => {
        const email = newEmail('refused');
        const response = await api.register(body(email));
        expect(response.statusCode).toBe(400);
        expect(response.headers['content-type']).toContain('application/problem+json');
        const problem = response.json();
        expect(problem.errors).toContainEqual({ path, message: expect.stringMatching(message) });
        // Nothing was stored under that email: it can still be registered, and the refused password was never kept.
        expect((await api.register({ email, password: PASSWORD, name: 'N' })).statusCode).toBe(201);
      });
    }
  });

  describe('login', () => {
    const failTimes = async (times: number, email: string, from?: string) => {
      for (let i = 0; i < times; i++) expect((await api.login(email, `wrong ${i}`, from)).statusCode).toBe(401);
    };
    // What may differ between two answers that are meant to be the same.
    const alike = (headers: Record<string, unknown>) =>
      Object.keys(headers).filter((h) => !['x-request-id', 'date', 'x-ratelimit-remaining', 'x-ratelimit-reset'].includes(h)).map((h) => [h, headers[h]]);

    it('answers tokens whose signature and claims check out against the published keys', async () => {
      const user = await registered('login');
      const tokens = await loggedIn(user.email.toUpperCase());
      expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: TTL_S, user });
      expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const { payload, protectedHeader } = await verifyAgainstJwks(tokens.accessToken);
      const jwks = await api.jwks();
      expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: jwks.keys[0]!.kid, typ: 'JWT' });
      expect(payload).toEqual({
        iss: ISSUER, aud: 'pedidos', sub: user.id, role: 'customer', email: user.email, name: user.name,
        iat: expect.any(Number), exp: expect.any(Number), jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(payload.exp! - payload.iat!).toBe(TTL_S);
      expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    });

    it('answers a wrong password and an unknown email identically', async () => {
      const { email } = await registered();
      const wrong = await api.login(email, 'not the password');
      const unknown = await api.login(newEmail('nobody'), 'not the password');
      for (const response of [wrong, unknown]) {
        expect(response.statusCode).toBe(401);
        expect(response.headers['content-type']).toContain('application/problem+json');
      }
      expect(wrong.body).toBe(unknown.body);
      expect(wrong.json()).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
      expect(alike(wrong.headers)).toEqual(alike(unknown.headers));
    });

    it('after 5 wrong passwords in a row from one address, locks that address out of the account, even with the right password, until the lock expires', async () => {
      const { email } = await registered('locked');
      await failTimes(5, email, '203.0.113.66');

      const refused = await api.login(email, PASSWORD, '203.0.113.66');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ status: 429, code: 'AUTH.ACCOUNT_LOCKED' });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);

      clock.offsetMs = (retryAfter + 1) * 1000;
      await loggedIn(email, PASSWORD, '203.0.113.66');
    });

    it('does not let an attacker lock the owner out: the owner logs in from another address meanwhile', async () => {
      const { email } = await registered('target');
      await failTimes(5, email, '203.0.113.66');
      expect((await api.login(email, PASSWORD, '203.0.113.66')).statusCode).toBe(429);
      await loggedIn(email, PASSWORD, '198.51.100.7');
      await loggedIn(email);
    });

    it('counts the addresses of one IPv6 /64 as one, and its neighbour /64 apart', async () => {
      const { email } = await registered('ipv6');
      for (let i = 0; i < 5; i++) expect((await api.login(email, `wrong ${i}`, `2001:db8:1:2::${i + 1}`)).statusCode).toBe(401);
      expect((await api.login(email, PASSWORD, '2001:db8:1:2:ffff:ffff:ffff:ffff')).statusCode).toBe(429);
      await loggedIn(email, PASSWORD, '2001:db8:1:3::1');
    });

    it('answers a locked-out unknown email exactly as a locked-out account, and checks no password for either', async () => {
      clock.stoppedAt = Date.now();
      const { email } = await registered('locked-known');
      const unknown = newEmail('locked-unknown');
      await failTimes(5, email, '203.0.113.70');
      await failTimes(5, unknown, '203.0.113.70');

      vi.mocked(verifyPassword).mockClear();
      const known = await api.login(email, PASSWORD, '203.0.113.70');
      const nobody = await api.login(unknown, PASSWORD, '203.0.113.70');
      expect(verifyPassword).not.toHaveBeenCalled();
      expect(known.statusCode).toBe(429);
      expect(nobody.statusCode).toBe(429);
      expect(nobody.body).toBe(known.body);
      expect(alike(nobody.headers)).toEqual(alike(known.headers));
      expect(known.headers['retry-after']).toBe('900');
    });

    it('spends one scrypt verification of the same cost on an unknown email as on a wrong password', async () => {
      const { email } = await registered('scrypt');
      const calls = vi.mocked(verifyPassword).mock.calls;
      const costOfLogin = async (who: string) => {
        const before = calls.length;
        expect((await api.login(who, 'not the password')).statusCode).toBe(401);
        expect(calls.length - before).toBe(1);
        // `scrypt$N$r$p$…`: the parameters that set the work.
        return calls.at(-1)![1].split('$').slice(0, 4);
      };
      const known = await costOfLogin(email);
      expect(known).toEqual(['scrypt', '1024', '8', '1']);
      expect(await costOfLogin(newEmail('nobody'))).toEqual(known);
    });

    it('forgets the failures of an address once it has been quiet for LOCKOUT_MAX_S', async () => {
      const { email } = await registered('quiet');
      await failTimes(4, email);
      clock.offsetMs = (24 * 3600 + 1) * 1000;
      await failTimes(4, email);
      await loggedIn(email);
    });

    it('forgets earlier failures once the right password is given', async () => {
      const { email } = await registered('reset');
      for (let i = 0; i < 4; i++) expect((await api.login(email, `wrong ${i}`)).statusCode).toBe(401);
      await loggedIn(email);
      for (let i = 0; i < 4; i++) expect((await api.login(email, `wrong ${i}`)).statusCode).toBe(401);
      await loggedIn(email);
    });
  });

  describe('refresh tokens', () => {
    it('rotate: each refresh spends the token and returns a new one', async () => {
      const user = await registered('refresh');
      const first = await loggedIn(user.email);
      const refreshed = await api.refresh(first.refreshToken);
      expect(refreshed.statusCode).toBe(200);
      expect(refreshed.headers['cache-control']).toBe('no-store');
      const second = refreshed.json();
      expect(second).toMatchObject({ tokenType: 'Bearer', expiresIn: TTL_S, user });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect((await verifyAgainstJwks(second.accessToken)).payload.sub).toBe(user.id);
      expect((await api.refresh(second.refreshToken)).statusCode).toBe(200);
    });

    it('refuse a spent token, and revoke what was issued in exchange for it', async () => {
      const { email } = await registered('replay');
      const first = await loggedIn(email);
      const second = (await api.refresh(first.refreshToken)).json();

      const replayed = await api.refresh(first.refreshToken);
      expect(replayed.statusCode).toBe(401);
      expect(replayed.json()).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
      // Whoever holds the newer token (the client or a thief) has to log in again.
      expect((await api.refresh(second.refreshToken)).statusCode).toBe(401);
      // Another login of the same user is a chain of its own and keeps working.
      const other = await loggedIn(email);
      expect((await api.refresh(other.refreshToken)).statusCode).toBe(200);
    });

    it('are revoked by logout, which answers 204 even for a token it does not know', async () => {
      const { email } = await registered('logout');
      const tokens = await loggedIn(email);
      const out = await api.logout(tokens.refreshToken);
      expect(out.statusCode).toBe(204);
      expect(out.body).toBe('');
      expect((await api.refresh(tokens.refreshToken)).statusCode).toBe(401);
      expect((await api.logout(tokens.refreshToken)).statusCode).toBe(204);
      expect((await api.logout('never-issued')).statusCode).toBe(204);
    });

    it('are refused, and not spent, from an address locked out of their account, and work again once the lock ends', async () => {
      const { email } = await registered('refresh-locked');
      const tokens = await loggedIn(email, PASSWORD, '203.0.113.80');
      const bad = await api.refresh('never-issued', '203.0.113.80');
      for (let i = 0; i < 5; i++) expect((await api.login(email, `wrong ${i}`, '203.0.113.80')).statusCode).toBe(401);

      const refused = await api.refresh(tokens.refreshToken, '203.0.113.80');
      expect(refused.statusCode).toBe(401);
      expect(refused.body).toBe(bad.body);

      clock.offsetMs = 901 * 1000;
      expect((await api.refresh(tokens.refreshToken, '203.0.113.80')).statusCode).toBe(200);
    });

    it('are refused once their account is disabled, and its password no longer logs in', async () => {
      const { email } = await registered('disabled');
      const tokens = await loggedIn(email);
      const bad = await api.refresh('never-issued');
      const wrongPassword = await api.login(email, 'not the password');
      await adapters.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.email, email));

      const refused = await api.refresh(tokens.refreshToken);
      expect(refused.statusCode).toBe(401);
      expect(refused.body).toBe(bad.body);
      const login = await api.login(email, PASSWORD);
      expect(login.statusCode).toBe(401);
      expect(login.body).toBe(wrongPassword.body);
    });

    it('expire', async () => {
      const { email } = await registered('expiry');
      const tokens = await loggedIn(email);
      clock.offsetMs = 31 * 24 * 3600 * 1000;
      expect((await api.refresh(tokens.refreshToken)).statusCode).toBe(401);
    });
  });

  describe('me', () => {
    it('answers the user a valid bearer token names', async () => {
      const user = await registered('me');
      const { accessToken } = await loggedIn(user.email);
      const response = await api.me(`Bearer ${accessToken}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(user);
    });

    it('answers 401 problem+json with a challenge without a token, with garbage, or with an expired one', async () => {
      const { accessToken } = await loggedIn((await registered()).email);
      const [header, payload] = accessToken.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(86)}`;
      const cases: [string | undefined, string, string][] = [
        [undefined, 'AUTH.MISSING_TOKEN', 'Bearer'],
        ['Basic dXNlcjpwYXNz', 'AUTH.INVALID_TOKEN', 'Bearer error="invalid_request"'],
        [`Bearer ${accessToken}x`, 'AUTH.INVALID_TOKEN', 'Bearer error="invalid_token"'],
        [`Bearer ${forged}`, 'AUTH.INVALID_TOKEN', 'Bearer error="invalid_token"'],
        ['Bearer a.b.c', 'AUTH.INVALID_TOKEN', 'Bearer error="invalid_token"'],
      ];
      for (const [authorization, code, challenge] of cases) {
        const response = await api.me(authorization);
        expect(response.statusCode, String(authorization)).toBe(401);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.headers['www-authenticate']).toBe(challenge);
        expect(response.json()).toMatchObject({ code });
      }
      clock.offsetMs = (TTL_S + 1) * 1000;
      const expired = await api.me(`Bearer ${accessToken}`);
      expect(expired.statusCode).toBe(401);
      expect(expired.json().detail).toMatch(/expired/);
    });
  });

  describe('published keys', () => {
    it('serves the JWKS, cacheable for five minutes, with public halves only', async () => {
      const response = await api.inject('GET', '/.well-known/jwks.json');
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('public, max-age=300');
      const { keys } = response.json();
      expect(keys.length).toBeGreaterThanOrEqual(1);
      for (const key of keys) {
        expect(key).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' });
      }
    });

    it('serves an OpenID discovery document pointing at them', async () => {
      const response = await api.inject('GET', '/.well-known/openid-configuration');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        issuer: ISSUER,
        jwks_uri: `${ISSUER}/.well-known/jwks.json`,
        token_endpoint: `${ISSUER}/api/auth/login`,
        userinfo_endpoint: `${ISSUER}/api/auth/me`,
        id_token_signing_alg_values_supported: ['EdDSA'],
        subject_types_supported: ['public'],
        response_types_supported: expect.any(Array),
      });
    });

    it('after a rotation, keep verifying older tokens until they expire, and sign new ones with the new key', async () => {
      const { email } = await registered('rotation');
      const before = await loggedIn(email);
      const oldKid = decodeProtectedHeader(before.accessToken).kid!;

      const { kid: newKid, rotated } = await app.service.rotateKeys();
      expect(rotated).toBe(true);
      expect(newKid).not.toBe(oldKid);
      expect((await api.jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
      expect((await verifyAgainstJwks(before.accessToken)).payload.email).toBe(email);
      expect((await api.me(`Bearer ${before.accessToken}`)).statusCode).toBe(200);

      const after = await loggedIn(email);
      expect(decodeProtectedHeader(after.accessToken)).toMatchObject({ alg: 'EdDSA', kid: newKid });
      expect((await verifyAgainstJwks(after.accessToken)).payload.email).toBe(email);

      // Once every token the old key signed has expired, the old key is withdrawn.
      clock.offsetMs = (TTL_S + 1) * 1000;
      expect((await api.jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
    });

    it('are not replaced at startup while the signing key is younger than the rotation period', async () => {
      const { kid } = decodeProtectedHeader((await loggedIn((await registered()).email)).accessToken);
      const replica = await startIdentity(adapters);
      try {
        const { accessToken } = (await client(replica).login('admin@pedidos.local', 'admin12345')).json();
        expect(decodeProtectedHeader(accessToken).kid).toBe(kid);
      } finally {
        await replica.stop();
      }
    });
  });

  describe('the admin account', () => {
    it('exists at startup with the development password, and logs in as admin', async () => {
      const tokens = await loggedIn('admin@pedidos.local', 'admin12345');
      expect(tokens.user).toMatchObject({ email: 'admin@pedidos.local', role: 'admin' });
      expect((await verifyAgainstJwks(tokens.accessToken)).payload.role).toBe('admin');
      expect((await api.me(`Bearer ${tokens.accessToken}`)).json().role).toBe('admin');
    });

    it('cannot be built in production with the public development password', async () => {
      const production = loadConfig({ ...BASE_ENV, NODE_ENV: 'production', ADMIN_PASSWORD: 'admin12345' }, identityConfigSpec);
      await expect(buildIdentity({ ...adapters, config: production })).rejects.toThrow(ConfigError);
    });

    it('is created once: bootstrapping again changes nothing', async () => {
      const { user } = await loggedIn('admin@pedidos.local', 'admin12345');
      expect(await app.service.bootstrapAdmin('ADMIN@pedidos.local', 'another password')).toEqual({ created: false });
      expect((await loggedIn('admin@pedidos.local', 'admin12345')).user.id).toBe(user.id);
      expect((await api.login('admin@pedidos.local', 'another password')).statusCode).toBe(401);
    });
  });

  describe('lockouts', () => {
    let short: App;
    beforeAll(async () => {
      short = await startIdentity(adapters, { LOGIN_MAX_FAILURES: '2', LOCKOUT_S: '60', LOCKOUT_MAX_S: '150' });
    });
    afterAll(async () => {
      await short?.stop();
    });

    it('grow: each further lockout of the same address lasts twice as long as the one before, up to LOCKOUT_MAX_S, also after waiting the longest out', async () => {
      clock.stoppedAt = Date.now();
      const { email } = await registered('growing');
      const login = (password: string) => client(short).login(email, password, '203.0.113.90');
      const lockout = async () => {
        for (const password of ['wrong 1', 'wrong 2']) expect((await login(password)).statusCode).toBe(401);
        const refused = await login(PASSWORD);
        expect(refused.statusCode).toBe(429);
        return Number(refused.headers['retry-after']);
      };
      const waited: number[] = [];
      for (let i = 0; i < 4; i++) {
        waited.push(await lockout());
        clock.offsetMs += (waited.at(-1)! + 1) * 1000;
      }
      expect(waited).toEqual([60, 120, 150, 150]);
      expect((await login(PASSWORD)).statusCode).toBe(200);
      // The right password wiped the slate: the next lockout is a first one again.
      expect(await lockout()).toBe(60);
    });

    it('are forgotten by the sweep once their address has been quiet for LOCKOUT_MAX_S', async () => {
      const { email } = await registered('swept');
      expect((await client(short).login(email, 'wrong', '203.0.113.91')).statusCode).toBe(401);
      expect(await short.service.forgetStaleLoginFailures()).toBe(0);
      clock.offsetMs = 151 * 1000;
      expect(await short.service.forgetStaleLoginFailures()).toBeGreaterThanOrEqual(1);
    });
  });

  describe('rate limits', () => {
    let limited: App;
    beforeAll(async () => {
      limited = await startIdentity(adapters, { LOGIN_RATE_LIMIT_PER_MIN: '3', REGISTER_RATE_LIMIT_PER_MIN: '2' });
    });
    afterAll(async () => {
      await limited?.stop();
    });

    it('refuse logins beyond the limit from one address with 429 and Retry-After; other addresses go on', async () => {
      const { inject } = client(limited);
      const login = (address: string) => inject('POST', '/api/auth/login', { email: 'admin@pedidos.local', password: 'wrong password' }, {}, address);
      for (let i = 0; i < 3; i++) expect((await login('10.0.0.1')).statusCode).toBe(401);
      const refused = await login('10.0.0.1');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ status: 429, code: 'REQUEST.RATE_LIMITED' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect((await login('10.0.0.2')).statusCode).toBe(401);
    });

    it('refuse registrations beyond the limit from one address', async () => {
      const { inject } = client(limited);
      const register = () => inject('POST', '/api/auth/register', { email: newEmail(), password: PASSWORD, name: 'N' }, {}, '10.0.0.3');
      expect((await register()).statusCode).toBe(201);
      expect((await register()).statusCode).toBe(201);
      const refused = await register();
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
    });
  });

  it('documents its routes in OpenAPI, with the bearer token on /api/auth/me', async () => {
    const doc = (await api.inject('GET', '/docs/json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/auth/me',
      '/.well-known/jwks.json', '/.well-known/openid-configuration',
    ]));
    expect(doc.paths['/api/auth/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/auth/login'].post.security).toBeUndefined();
    expect(Object.keys(doc.paths['/api/auth/login'].post.responses)).toEqual(expect.arrayContaining(['200', '401', '429']));
  });

  it('logs neither the password, its hash, nor the tokens of a login', async () => {
    let logged = '';
    const destination = new Writable({ write: (chunk, _encoding, done) => { logged += String(chunk); done(); } });
    const log = createLogger({ level: 'trace', service: 'identity', destination });
    const traced = await startIdentity({ ...adapters, log });
    try {
      const { inject } = client(traced);
      const email = newEmail('logs');
      expect((await inject('POST', '/api/auth/register', { email, password: PASSWORD, name: 'Logs' })).statusCode).toBe(201);
      expect((await inject('POST', '/api/auth/login', { email, password: 'wrong password' })).statusCode).toBe(401);
      const tokens = (await inject('POST', '/api/auth/login', { email, password: PASSWORD })).json();
      const refreshed = (await inject('POST', '/api/auth/refresh', { refreshToken: tokens.refreshToken })).json();
      expect((await inject('GET', '/api/auth/me', undefined, { authorization: `Bearer ${refreshed.accessToken}` })).statusCode).toBe(200);

      // No route ever shows the hash: the table is the only place to learn what must not be logged.
      const [row] = await adapters.database.db.select().from(users).where(eq(users.email, email));
      const passwordHash = row!.passwordHash;
      expect(logged).toContain('/api/auth/login');
      for (const secret of [PASSWORD, 'wrong password', passwordHash, passwordHash.split('$')[5]!, tokens.accessToken, tokens.refreshToken, refreshed.accessToken, refreshed.refreshToken]) {
        expect(logged).not.toContain(secret);
      }
    } finally {
      await traced.stop();
    }
  });
});

describe.each(SHAPES)('identity replicas on one database (%s shape)', (shape) => {
  let adapters: TestAdapters;
  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
  });
  afterAll(async () => {
    await adapters?.close();
  });

  it('two starting at once agree on one signing key and one admin, and a restart keeps both', async () => {
    const env = { ADMIN_EMAIL: 'root@pedidos.test', ADMIN_PASSWORD: 'short' };
    const [a, b] = await Promise.all([startIdentity(adapters, env), startIdentity(adapters, env)]);
    const [jwksA, jwksB] = [await client(a).jwks(), await client(b).jwks()];
    expect(jwksA.keys).toHaveLength(1);
    expect(jwksB).toEqual(jwksA);
    // The bootstrap password is exempt from the policy (production must set one explicitly).
    const fromA = (await client(a).login('root@pedidos.test', 'short')).json();
    const fromB = (await client(b).login('root@pedidos.test', 'short')).json();
    expect(fromA.user.id).toBe(fromB.user.id);
    expect(fromA.user.role).toBe('admin');
    await Promise.all([a.stop(), b.stop()]);

    const restarted = await startIdentity(adapters, env);
    try {
      expect(await client(restarted).jwks()).toEqual(jwksA);
      expect((await client(restarted).me(`Bearer ${fromA.accessToken}`)).json()).toEqual(fromA.user);
    } finally {
      await restarted.stop();
    }
  });
});
