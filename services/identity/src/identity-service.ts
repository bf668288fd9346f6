import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db, Queryable } from '@pedidos/platform/db';
import type { Principal } from '@pedidos/platform/auth';
import { DomainError } from '@pedidos/platform/errors';
import type { Logger } from '@pedidos/platform/logger';
import type { LoginBody, RegisterBody, Role, TokenResponse, User } from '@pedidos/contracts/identity';
import type { IdentityConfig } from './config';
import { insertRefreshToken, refreshTokenByHash, revokeFamily, revokeRefreshToken, spendRefreshToken } from './db/refresh-tokens';
import { insertUser, setPasswordHash, userByEmail, userById, type UserRow } from './db/users';
import { passwordProblems } from './domain/password-policy';
import type { KeyRing } from './key-ring';
import { createLoginThrottle, throttleKey, type LoginThrottleSettings } from './db/login-throttles';
import { hashPassword, needsRehash, verifyPassword } from './passwords';

const toUser = (u: UserRow): User => ({ id: u.id, email: u.email, name: u.name, role: u.role });

const normalizeEmail = (email: string) => email.trim().toLowerCase();

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Tells the client when to come back. */
const lockedOut = (retryAfterS: number) =>
  new DomainError('AUTH.ACCOUNT_LOCKED', `Too many failed logins for this account from this address; try again in ${retryAfterS} s.`, { facts: { retryAfterS } });

// One answer for an unknown email and a wrong password, so neither can be told apart.
const invalidCredentials = () => new DomainError('AUTH.INVALID_CREDENTIALS', 'The email or password is wrong.');
const invalidRefreshToken = () => new DomainError('AUTH.INVALID_REFRESH_TOKEN', 'The refresh token is unknown, expired, revoked or already used; log in again.');

export type IdentitySettings = Pick<IdentityConfig, 'SCRYPT_COST' | 'REFRESH_TOKEN_TTL_S'> & LoginThrottleSettings;

export function createIdentityService({ db, keys, log, settings, now = () => new Date() }: {
  db: Db;
  keys: KeyRing;
  log: Logger;
  settings: IdentitySettings;
  now?: () => Date;
}) {
  // An unknown email still costs one full verification, so response times do not reveal which emails exist.
  const dummyHash = hashPassword(randomBytes(16).toString('hex'), settings.SCRYPT_COST);
  const throttle = createLoginThrottle(settings);

  /** Stores a new refresh token of `familyId` and returns it; only its hash is kept. */
  async function newRefreshToken(q: Queryable, userId: string, familyId: string): Promise<string> {
    const refreshToken = randomBytes(32).toString('base64url');
    const at = now();
    await insertRefreshToken(q, {
      tokenHash: sha256(refreshToken), userId, familyId, createdAt: at,
      expiresAt: new Date(at.getTime() + settings.REFRESH_TOKEN_TTL_S * 1000),
    });
    return refreshToken;
  }

  async function tokenResponse(user: UserRow, refreshToken: string): Promise<TokenResponse> {
    const { token, expiresIn } = await keys.sign(user);
    return { accessToken: token, tokenType: 'Bearer', expiresIn, refreshToken, user: toUser(user) };
  }

  async function createUser(body: { email: string; password: string; name: string }, role: Role) {
    return insertUser(db, {
      id: randomUUID(), email: normalizeEmail(body.email), name: body.name.trim(), role,
      passwordHash: await hashPassword(body.password, settings.SCRYPT_COST), createdAt: now(),
    });
  }

  return {
    async register(body: RegisterBody): Promise<User> {
      const problems = passwordProblems(body.password, body.email);
      if (problems.length > 0) {
        throw new DomainError('USER.WEAK_PASSWORD', `The password ${problems.join(', and ')}.`, { errors: problems.map((message) => ({ path: '/password', message })) });
      }
      const created = await createUser(body, 'customer');
      if (!created) throw new DomainError('USER.EMAIL_TAKEN', 'An account with this email address already exists.');
      log.info({ userId: created.id }, 'user registered');
      return toUser(created);
    },

    /** `clientIp` is the caller's address: lockouts count per email and address, so nobody elsewhere can lock the owner out. */
    async login({ email, password }: LoginBody, clientIp: string): Promise<TokenResponse> {
      const normalized = normalizeEmail(email);
      const key = throttleKey(normalized, clientIp);
      const at = now();
      // Asked before the account is looked up: a locked-out unknown email gets the same answer as fast.
      const lockedForS = await throttle.lockedFor(db, key, at);
      if (lockedForS !== undefined) throw lockedOut(lockedForS);
      const user = await userByEmail(db, normalized);
      const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
      if (!user || !valid || user.disabledAt !== null) {
        const lockedUntil = await throttle.recordFailure(db, key, at);
        if (user && lockedUntil) log.warn({ userId: user.id, lockedUntil }, 'an address is locked out of an account after repeated failed logins');
        throw invalidCredentials();
      }
      await throttle.forgive(db, key);
      if (needsRehash(user.passwordHash, settings.SCRYPT_COST)) {
        await setPasswordHash(db, user.id, await hashPassword(password, settings.SCRYPT_COST));
      }
      return tokenResponse(user, await newRefreshToken(db, user.id, randomUUID()));
    },

    /**
     * Rotation: the token presented is spent and a new one returned. A spent token presented again revokes its whole chain.
     * Refused, unspent, while the account is disabled or `clientIp` is locked out of it.
     */
    async refresh(refreshToken: string, clientIp: string): Promise<TokenResponse> {
      const tokenHash = sha256(refreshToken);
      const at = now();
      const outcome = await db.transaction(async (tx) => {
        const spent = await spendRefreshToken(tx, tokenHash, at);
        if (!spent) {
          const known = await refreshTokenByHash(tx, tokenHash);
          return { spent: false as const, replayedFamily: known?.revokedAt ? known.familyId : undefined };
        }
        const user = await userById(tx, spent.userId);
        // Thrown inside the transaction, so the token is not spent and works again once the account may log in.
        if (!user || user.disabledAt !== null || (await throttle.lockedFor(tx, throttleKey(user.email, clientIp), at)) !== undefined) throw invalidRefreshToken();
        return { spent: true as const, user, refreshToken: await newRefreshToken(tx, spent.userId, spent.familyId) };
      });
      // Signed after commit: the key ring reads through `db`, which a PGlite transaction would block.
      if (outcome.spent) return tokenResponse(outcome.user, outcome.refreshToken);
      if (outcome.replayedFamily) {
        // Either the client or a thief holds the newer token: neither may keep it.
        const revoked = await revokeFamily(db, outcome.replayedFamily, at);
        if (revoked.length > 0) log.warn({ userId: revoked[0]!.userId }, 'spent refresh token presented again; its chain is revoked');
      }
      throw invalidRefreshToken();
    },

    /** Idempotent: an unknown or already revoked token is not an error. */
    async logout(refreshToken: string): Promise<void> {
      await revokeRefreshToken(db, sha256(refreshToken), now());
    },

    /** The user who is asking, as stored now. */
    async me(who: Principal): Promise<User> {
      const user = await userById(db, who.id);
      if (!user) throw new DomainError('AUTH.INVALID_TOKEN', 'The account this token was issued to no longer exists.');
      return toUser(user);
    },

    /** Creates the admin account unless one with this email exists; the policy applies only in production, through the configuration. */
    async bootstrapAdmin(email: string, password: string): Promise<{ created: boolean }> {
      if (await userByEmail(db, normalizeEmail(email))) return { created: false };
      const created = await createUser({ email, password, name: 'Administrator' }, 'admin');
      return { created: created !== undefined };
    },

    /** Storage upkeep: failures of no consequence any more; returns how many keys were dropped. */
    forgetStaleLoginFailures: () => throttle.forgetStale(db, now()),

    jwks: () => keys.jwks(),
    rotateKeys: () => keys.rotate({ force: true }),
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
