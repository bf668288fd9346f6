import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { JWK } from 'jose';
import type { Role } from '@pedidos/contracts/identity';

/** Everything the identity service owns lives in this schema; no other service reads it. */
export const identitySchema = pgSchema('identity');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = identitySchema.table(
  'users',
  {
    id: uuid('id').primaryKey(),
    /** Lower-cased on the way in, so uniqueness is case-insensitive. */
    email: text('email').notNull().unique(),
    /** `scrypt$N$r$p$salt$hash` (see passwords.ts). */
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    createdAt: at('created_at').notNull(),
    /** Set by an operator: the account can neither log in nor refresh its tokens. */
    disabledAt: at('disabled_at'),
    /** Unused since login_throttles replaced the per-account lock; dropped once no older replica runs. */
    failedLogins: integer('failed_logins').notNull().default(0),
    /** Unused, as failedLogins. */
    lockedUntil: at('locked_until'),
  },
  (t) => [check('users_role_check', sql`${t.role} IN ('customer', 'admin')`)],
);

export const signingKeys = identitySchema.table(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    publicJwk: jsonb('public_jwk').$type<JWK>().notNull(),
    privateJwk: jsonb('private_jwk').$type<JWK>().notNull(),
    createdAt: at('created_at').notNull(),
    /** When it stopped signing; null for the one key that signs now. */
    retiresAt: at('retires_at'),
    /** When it leaves the JWKS: the last token it signed has expired by then. */
    expiresAt: at('expires_at'),
  },
  // Two replicas rotating at once cannot both leave a signing key behind.
  (t) => [uniqueIndex('signing_keys_one_signing_idx').on(sql`(${t.retiresAt} IS NULL)`).where(sql`${t.retiresAt} IS NULL`)],
);

/** Only a hash is kept: a leaked table yields no usable refresh token. */
export const refreshTokens = identitySchema.table(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id),
    /** Every token rotated from one login shares it, so a replayed one can revoke the whole chain. */
    familyId: uuid('family_id').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.familyId)],
);

/**
 * Failed logins per email and client address (an IPv6 /64), keyed by a hash of both: the
 * table names neither. Kept for unknown emails too, so a lockout does not tell which exist.
 */
export const loginThrottles = identitySchema.table(
  'login_throttles',
  {
    key: text('key').primaryKey(),
    /** Wrong passwords since the last success; every LOGIN_MAX_FAILURES-th one locks. */
    failures: integer('failures').notNull(),
    lastFailureAt: at('last_failure_at').notNull(),
    lockedUntil: at('locked_until'),
  },
  (t) => [index('login_throttles_last_failure_idx').on(t.lastFailureAt)],
);
