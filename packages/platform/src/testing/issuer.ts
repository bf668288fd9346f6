import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface TokenClaims {
  sub?: string;
  role?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  audience?: string;
  issuer?: string;
  extra?: Record<string, unknown>;
  /** Sign with a key this issuer does not publish. */
  unpublishedKey?: boolean;
}

/**
 * A token issuer of the tests' own: an Ed25519 key served as JWKS over real HTTP, so the
 * services verify test tokens exactly as they verify the identity service's or an OIDC
 * provider's. `rotate()` adds a key and signs with it from then on.
 */
export async function createTestIssuer(opts: { audience?: string } = {}) {
  const audience = opts.audience ?? 'pedidos';
  const published: { kid: string; privateKey: CryptoKey; jwk: JWK }[] = [];
  const newKey = async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const kid = randomUUID();
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
  };
  published.push(await newKey());
  const stray = await newKey();
  let fetches = 0;

  const server = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function token(claims: TokenClaims = {}): Promise<string> {
    const key = claims.unpublishedKey ? stray : published.at(-1)!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: claims.role ?? 'customer', ...claims.extra })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
      .setIssuer(claims.issuer ?? issuer)
      .setAudience(claims.audience ?? audience)
      .setSubject(claims.sub ?? randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.expiresIn ?? 900))
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  return {
    issuer,
    audience,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    /** Environment for a service that should trust this issuer. */
    env: { JWT_ISSUER: issuer, JWKS_URL: `${issuer}/.well-known/jwks.json`, JWT_AUDIENCE: audience },
    token,
    /** `Authorization` header value for a fresh token. */
    bearer: async (claims: TokenClaims = {}) => `Bearer ${await token(claims)}`,
    async rotate() {
      published.push(await newKey());
    },
    get jwksFetches() {
      return fetches;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export type TestIssuer = Awaited<ReturnType<typeof createTestIssuer>>;

/** Every way a bearer token can be wrong, as `Authorization` values (null: no header at all). */
export async function badTokens(issuer: TestIssuer, role = 'admin'): Promise<Record<string, string | null>> {
  const good = await issuer.token({ role });
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const publicJwk = (await (await fetch(issuer.jwksUrl)).json()) as { keys: { x: string }[] };
  const hmacWithPublicKey = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(publicJwk.keys[0]!.x));
  const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  return {
    'no token': null,
    'a garbage token': 'Bearer not.a.jwt',
    'not a bearer token': `Basic ${Buffer.from('admin:admin12345').toString('base64')}`,
    'an expired token': `Bearer ${await issuer.token({ role, expiresIn: -60 })}`,
    'a token from another issuer': `Bearer ${await issuer.token({ role, issuer: 'https://issuer.invalid' })}`,
    'a token for another audience': `Bearer ${await issuer.token({ role, audience: 'someone-else' })}`,
    'an unsigned token (alg none)': `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    'a token whose signature was tampered with': `Bearer ${header}.${payload}.${flipped}`,
    'a token whose claims were tampered with': `Bearer ${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`,
    'a token signed with an unpublished key': `Bearer ${await issuer.token({ role, unpublishedKey: true })}`,
    'an HS256 token keyed with the public key': `Bearer ${hmacWithPublicKey}`,
  };
}
