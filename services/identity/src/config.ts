import {
  ConfigError, commonConfigSpec, int, loadConfig, optional, port, secret, string, url, type ConfigOf, type Env,
} from '@pedidos/platform/config';

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
  /** Required in production; development falls back to DEV_ADMIN_PASSWORD. */
  ADMIN_PASSWORD: secret(optional(string())),
  LOGIN_RATE_LIMIT_PER_MIN: int({ min: 1, default: 10 }),
  REGISTER_RATE_LIMIT_PER_MIN: int({ min: 1, default: 5 }),
  /** Consecutive wrong passwords that lock an account, and for how long. */
  LOGIN_MAX_FAILURES: int({ min: 1, max: 100, default: 5 }),
  LOCKOUT_S: int({ min: 1, max: 24 * 3600, default: 15 * 60 }),
  /** log2 of scrypt's N for new hashes (15: about 70 ms a hash on a 2-core machine); tests lower it. */
  SCRYPT_COST: int({ min: 10, max: 20, default: 15 }),
};

export type IdentityConfig = ConfigOf<typeof identityConfigSpec>;

export const DEV_ADMIN_PASSWORD = 'admin12345';

/** The admin's bootstrap password; production must name one (the development default is public). */
export function adminPassword(config: IdentityConfig): string {
  if (config.ADMIN_PASSWORD !== undefined) return config.ADMIN_PASSWORD;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError([{ variable: 'ADMIN_PASSWORD', message: 'ADMIN_PASSWORD is required when NODE_ENV=production' }]);
  }
  return DEV_ADMIN_PASSWORD;
}

/** The spec, plus the rule no single variable can express. */
export function loadIdentityConfig(env: Env): IdentityConfig {
  const config = loadConfig(env, identityConfigSpec);
  adminPassword(config);
  return config;
}
