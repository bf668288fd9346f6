import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';

export type Role = 'customer' | 'admin';

/** Who is asking, as every service sees it: the token's subject and one of our roles. */
export interface Principal {
  /** A UUID: the subject itself, or one derived from issuer and subject when it is not one. */
  id: string;
  role: Role;
  /** The token's standard `name` and `email` claims, when it carries them. */
  name?: string;
  email?: string;
}

/** How records and screens name a principal: the token's name, else its e-mail, else nothing. */
export const displayNameOf = ({ name, email }: Pick<Principal, 'name' | 'email'>): string | null => name ?? email ?? null;

export interface VerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Where the role is in the token: `role`, or a path such as `realm_access.roles` (Keycloak). */
  roleClaim: string;
  /** The claim value that makes an admin; anything else is a customer. */
  adminRole: string;
}

// Asymmetric only: `none` and HMAC (where a public key could be abused as the secret) never verify.
const ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export class InvalidToken extends Error {
  override readonly name = 'InvalidToken';
  /** True when the keys could not be fetched: the token may be fine, the issuer is not reachable. */
  readonly unavailable: boolean;
  constructor(message: string, options: { cause: unknown; unavailable: boolean }) {
    super(message, { cause: options.cause });
    this.unavailable = options.unavailable;
  }
}

/** However many unknown key ids arrive, the issuer is asked again at most this often. */
const FORCED_RELOAD_MS = 1_000;

/** Memory for tokens remembered as verified (counted by their length): a client sends the same one with every request. */
const VERIFIED_TOKENS_MAX_CHARS = 8 * 1024 * 1024;
/** As long as jose keeps the issuer's keys: a key withdrawn from the JWKS stops tokens within this. */
const KEYS_CACHE_MS = 10 * 60_000;

/**
 * Checks a bearer token against the issuer's published keys: signature, algorithm, issuer,
 * audience and expiry. Keys are cached; an unknown key id triggers a refresh, so a rotated
 * key is accepted at once, while a flood of made-up key ids costs one fetch a second.
 */
export function createTokenVerifier(opts: VerifierOptions) {
  const keys = createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: KEYS_CACHE_MS, timeoutDuration: 5_000 });
  const rolePath = opts.roleClaim.split('.');
  const check = (token: string) => jwtVerify(token, keys, { issuer: opts.issuer, audience: opts.audience, algorithms: ALGORITHMS, requiredClaims: ['exp', 'sub'] });
  let lastForcedReload = 0;

  async function checkWithFreshKeys(token: string) {
    try {
      return await check(token);
    } catch (error) {
      // jose refetches on an unknown key id only outside its cooldown; a key published since
      // the last fetch (a rotation) must not be refused for that long.
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - lastForcedReload < FORCED_RELOAD_MS) throw error;
      lastForcedReload = Date.now();
      await keys.reload();
      return check(token);
    }
  }

  // A signature check (Ed25519 in WebCrypto) costs more than the rest of a request's handling, and
  // nothing revokes an access token: the answer for one token is remembered until it expires, or
  // until the keys it was checked against may have changed, in bounded memory.
  const verified = new LRUCache<string, { principal: Principal; expiresAtMs: number }>({
    maxSize: VERIFIED_TOKENS_MAX_CHARS,
    sizeCalculation: (_value, token) => token.length,
  });

  return async function verify(token: string): Promise<Principal> {
    const known = verified.get(token);
    if (known && Date.now() < known.expiresAtMs) return known.principal;
    return verifyAnew(token);
  };

  async function verifyAnew(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await checkWithFreshKeys(token));
    } catch (error) {
      const unavailable = error instanceof errors.JWKSTimeout || (error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID') || error instanceof TypeError;
      throw new InvalidToken(unavailable ? 'the signing keys could not be fetched' : describe(error), { cause: error, unavailable });
    }
    const claim = rolePath.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
    const roles = Array.isArray(claim) ? claim : [claim];
    const principal: Principal = {
      id: subjectId(opts.issuer, payload.sub!),
      role: roles.includes(opts.adminRole) ? 'admin' : 'customer',
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
    };
    verified.set(token, { principal, expiresAtMs: Math.min(payload.exp! * 1000, Date.now() + KEYS_CACHE_MS) });
    return principal;
  }
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/** External providers use subjects like `auth0|123`; a UUIDv5-style digest keeps ids uniform and per issuer. */
function subjectId(issuer: string, subject: string): string {
  if (UUID.test(subject)) return subject.toLowerCase();
  const hex = createHash('sha1').update(`${issuer}\n${subject}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token was signed with an unknown key';
  return 'the token is malformed';
}
