import { randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, errors, exportJWK, generateKeyPair, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { InvalidToken, type TokenVerifier } from '@pedidos/platform/auth';
import type { Db } from '@pedidos/platform/db';
import type { AccessTokenClaims, Jwks, Role } from '@pedidos/contracts/identity';
import { dropExpiredKeys, insertSigningKey, lockRotation, publishedKey, publishedKeys, retireKey, signingKeyRow } from './db/signing-keys';

const ALG = 'EdDSA';
const DAY_MS = 24 * 3600 * 1000;

export interface KeyRingOptions {
  db: Db;
  issuer: string;
  audience: string;
  accessTokenTtlS: number;
  rotationDays: number;
  now: () => Date;
}

/**
 * Ed25519 signing keys kept in the database, so tokens outlive a restart and every replica
 * signs with the same key. One key signs; a replaced key stays published until the last token
 * it signed has expired.
 */
export function createKeyRing({ db, issuer, audience, accessTokenTtlS, rotationDays, now }: KeyRingOptions) {
  // Imported keys by kid: a kid always names the same key material.
  const imported = new Map<string, Promise<CryptoKey>>();
  const importKey = (kid: string, jwk: JWK) => {
    let key = imported.get(kid);
    if (!key) {
      key = importJWK(jwk, ALG) as Promise<CryptoKey>;
      imported.set(kid, key);
    }
    return key;
  };

  /** Replaces the signing key when it is older than the rotation period (or always, with `force`); returns the signing kid. */
  async function rotate({ force = false } = {}): Promise<{ kid: string; rotated: boolean }> {
    return db.transaction(async (tx) => {
      // Replicas starting together take turns here; the unique index stops any that slips past.
      await lockRotation(tx);
      const at = now();
      const current = await signingKeyRow(tx);
      if (current && !force && at.getTime() - current.createdAt.getTime() < rotationDays * DAY_MS) return { kid: current.kid, rotated: false };
      if (current) await retireKey(tx, current.kid, at, new Date(at.getTime() + accessTokenTtlS * 1000));
      // Nothing they signed is still valid: their private halves need not be kept.
      await dropExpiredKeys(tx, at);
      const pair = await generateKeyPair(ALG, { crv: 'Ed25519', extractable: true });
      const publicJwk = await exportJWK(pair.publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      await insertSigningKey(tx, { kid, publicJwk, privateJwk: await exportJWK(pair.privateKey), createdAt: at });
      return { kid, rotated: true };
    });
  }

  // Read on every use rather than cached: another replica may have rotated since.
  async function signingKey() {
    const row = await signingKeyRow(db);
    if (row) return { kid: row.kid, key: await importKey(`${row.kid}#private`, row.privateJwk) };
    await rotate();
    return signingKey();
  }

  return {
    rotate,

    async jwks(): Promise<Jwks> {
      const rows = await publishedKeys(db, now());
      return {
        keys: rows.map(({ kid, publicJwk }) => ({ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x!, kid, alg: ALG, use: 'sig' })),
      };
    },

    async sign(user: { id: string; email: string; name: string; role: Role }): Promise<{ token: string; expiresIn: number }> {
      const { kid, key } = await signingKey();
      const iat = Math.floor(now().getTime() / 1000);
      const token = await new SignJWT({ role: user.role, email: user.email, name: user.name })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(user.id)
        .setIssuedAt(iat)
        .setExpirationTime(iat + accessTokenTtlS)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresIn: accessTokenTtlS };
    },

    /** The claims of a token this ring signed and still publishes the key of; throws a jose error otherwise. */
    async verify(token: string): Promise<AccessTokenClaims> {
      const { payload } = await jwtVerify<AccessTokenClaims>(token, async (header) => {
        const row = header.kid === undefined ? undefined : await publishedKey(db, header.kid, now());
        if (!row) throw new errors.JWKSNoMatchingKey();
        return importKey(row.kid, row.publicJwk);
      }, {
        issuer, audience, algorithms: [ALG], typ: 'JWT', currentDate: now(),
        requiredClaims: ['sub', 'iat', 'exp', 'jti'],
      });
      return payload;
    },
  };
}

export type KeyRing = ReturnType<typeof createKeyRing>;

/**
 * The ring as the platform's `authorize(...)` checks tokens with: who a token names, or
 * InvalidToken saying why not. Asked directly, not through the JWKS over HTTP: this service is the issuer.
 */
export function principalVerifier(keys: KeyRing): TokenVerifier {
  return async (token) => {
    try {
      const claims = await keys.verify(token);
      return { id: claims.sub, role: claims.role === 'admin' ? 'admin' : 'customer' };
    } catch (error) {
      if (!(error instanceof errors.JOSEError)) throw error;
      throw new InvalidToken(error instanceof errors.JWTExpired ? 'it has expired' : 'it is not a valid token from this issuer', { cause: error, unavailable: false });
    }
  };
}
