import {
  ConfigError, DEVELOPMENT_SECRETS, commonConfigSpec, int, loadConfig, optional, port, secret, string, url, type ConfigOf, type Env,
} from '@pedidos/platform/config';
import { passwordProblems } from './domain/password-policy';

export const identityConfigSpec = {
  ...commonConfigSpec,
  PORT: port(5003),
  /** The `iss` of every token, and the base of the discovery document's URLs. */
  JWT_ISSUER: url(['http:', 'https:'], 'http://127.0.0.1:5003'),
  JWT_AUDIENCE: string('pedidos'),
  ACCESS_TOKEN_TTL_S: int({ min: 60, max: 24 * 3600, default: 900 }),
  REFRESH_TOKEN_TTL_S: int({ min: 60, default: 30 * 24 * 3600 }),
  /** A signing key older than this is replaced; it stays published until the tokens it signed expire. */
  KEY_ROTATION_DAYS: int({ min: 1, max: 3650, default: 30 }),
  ADMIN_EMAIL: string('admin@pedidos.local', { pattern: /^[^\s@]+@[^\s@]+$/, expected: 'an email address' }),
  /** Required in production, where the password policy applies and DEV_ADMIN_PASSWORD is refused; elsewhere it defaults to that. */
  ADMIN_PASSWORD: secret(optional(string())),
  LOGIN_RATE_LIMIT_PER_MIN: int({ min: 1, default: 10 }),
  REGISTER_RATE_LIMIT_PER_MIN: int({ min: 1, default: 5 }),
  /**
   * Wrong passwords in a row for one email from one client address (an IPv6 /64) that lock that
   * address out of that email, whether or not an account has it; other addresses are unaffected.
   */
  LOGIN_MAX_FAILURES: int({ min: 1, max: 100, default: 5 }),
  /** The first lockout; each further one of the same email and address lasts twice the one before. */
  LOCKOUT_S: int({ min: 1, max: 24 * 3600, default: 15 * 60 }),
  /** The longest lockout; an email and address quiet this long (no failure, lockout over) start again from none. */
  LOCKOUT_MAX_S: int({ min: 1, max: 7 * 24 * 3600, default: 24 * 3600 }),
  /** log2 of scrypt's N for new hashes (15: about 70 ms a hash on a 2-core machine); tests lower it. */
  SCRYPT_COST: int({ min: 10, max: 20, default: 15 }),
};

export type IdentityConfig = ConfigOf<typeof identityConfigSpec>;

export const DEV_ADMIN_PASSWORD = DEVELOPMENT_SECRETS.ADMIN_PASSWORD;

/** The admin's bootstrap password; production must name one of its own that the password policy accepts. */
export function adminPassword(config: IdentityConfig): string {
  const refuse = (message: string) => new ConfigError([{ variable: 'ADMIN_PASSWORD', message: `ADMIN_PASSWORD ${message} when NODE_ENV=production` }]);
  if (config.NODE_ENV !== 'production') return config.ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD;
  if (config.ADMIN_PASSWORD === undefined) throw refuse('is required');
  // The development default is printed in the README, so anyone could log in as the admin.
  if (config.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) throw refuse('must not be the public development default');
  const problems = passwordProblems(config.ADMIN_PASSWORD, config.ADMIN_EMAIL);
  if (problems.length > 0) throw refuse(problems.join(', and '));
  return config.ADMIN_PASSWORD;
}

/** The spec, plus the rule no single variable can express. */
export function loadIdentityConfig(env: Env): IdentityConfig {
  const config = loadConfig(env, identityConfigSpec);
  adminPassword(config);
  return config;
}
