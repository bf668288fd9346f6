import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@pedidos/platform/config';
import {
  SHAPES, capturedLog, expectHandled, expectNoSecretsLogged, hostileText, invalidUtf8, isAcceptableText, openTestAdapters, withRawBytes,
  type TestAdapters,
} from '@pedidos/platform/testing';
import { buildIdentity } from '../src/app';
import { identityConfigSpec } from '../src/config';

const PASSWORD = 'senha-muito-secreta-42';

describe.each(SHAPES)('hostile input to the identity service (%s shape)', (shape) => {
  let adapters: TestAdapters;
  let app: Awaited<ReturnType<typeof buildIdentity>>;
  const logged = capturedLog();
  const json = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    app.http.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  const raw = (url: string, payload: Buffer) => app.http.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

  beforeAll(async () => {
    adapters = await openTestAdapters(shape);
    app = await buildIdentity({
      ...adapters, log: logged.log,
      config: loadConfig({ NODE_ENV: 'test', SCRYPT_COST: '10', LOGIN_RATE_LIMIT_PER_MIN: '100000', REGISTER_RATE_LIMIT_PER_MIN: '100000', RATE_LIMIT_PER_MIN: '0' }, identityConfigSpec),
    });
    await app.start();
  });
  afterAll(async () => {
    await app?.stop();
    await adapters?.close();
  });

  it('1,500 registrations, logins, refreshes and token checks with control characters, lone surrogates or invalid UTF-8: refused as problem+json, no account stored, no password or hash logged', { timeout: 120_000 }, async () => {
    const registered: string[] = [];
    const route = fc.constantFrom('register-name', 'register-email', 'register-bytes', 'login', 'login-bytes', 'refresh', 'logout', 'me');
    await fc.assert(
      fc.asyncProperty(route, hostileText(), invalidUtf8, fc.nat(), async (where, text, bytes, n) => {
        const email = `pessoa${n}-${registered.length}@example.com`;
        switch (where) {
          case 'register-name': {
            const reply = await json('/api/auth/register', { email, password: PASSWORD, name: `Ana${text}` });
            expectHandled(reply, `name ${JSON.stringify(text)}`);
            expect(reply.statusCode).toBe(isAcceptableText(text, false) ? 201 : 400);
            if (reply.statusCode === 201) registered.push(email);
            return;
          }
          case 'register-email': {
            const reply = await json('/api/auth/register', { email: `a${text}${email}`, password: PASSWORD, name: 'Ana' });
            expectHandled(reply, `email ${JSON.stringify(text)}`);
            if (!isAcceptableText(text, false)) expect(reply.statusCode).toBe(400);
            return;
          }
          case 'register-bytes': {
            const reply = await raw('/api/auth/register', withRawBytes({ email, password: PASSWORD, name: `Ana${text}` }, 'name', bytes));
            expect(reply.statusCode).toBe(400);
            return;
          }
          case 'login': {
            const reply = await json('/api/auth/login', { email: `a${text}@example.com`, password: `${PASSWORD}${text}` });
            expectHandled(reply, `login ${JSON.stringify(text)}`);
            expect([400, 401, 429]).toContain(reply.statusCode);
            return;
          }
          case 'login-bytes': {
            expect((await raw('/api/auth/login', withRawBytes({ email: `a${text}@example.com`, password: PASSWORD }, 'email', bytes))).statusCode).toBe(400);
            return;
          }
          case 'refresh':
          case 'logout': {
            const reply = await json(`/api/auth/${where}`, { refreshToken: `t${text}` });
            expectHandled(reply, `${where} ${JSON.stringify(text)}`);
            expect([400, 401, 204]).toContain(reply.statusCode);
            return;
          }
          case 'me': {
            const reply = await app.http.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer x${text.replace(/[\r\n]/g, '')}` } });
            expectHandled(reply, 'me');
            expect(reply.statusCode).toBeGreaterThanOrEqual(400);
            return;
          }
        }
      }),
      { numRuns: 1_500 },
    );
    // Exactly the registrations that were answered 201 can log in; nothing else was stored.
    for (const email of registered.slice(0, 5)) expect((await json('/api/auth/login', { email, password: PASSWORD })).statusCode).toBe(200);
    expect(registered.length).toBeGreaterThan(0);
    expectNoSecretsLogged(logged.lines(), [PASSWORD, 'scrypt$']);
  });
});
