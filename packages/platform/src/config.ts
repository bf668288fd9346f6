/**
 * Environment parsed once at startup. A spec maps each variable to a parser; an unset or
 * empty variable takes the parser's default, and a bad value fails with one line naming it.
 */

import { isIP } from 'node:net';
import { DEFAULT_RETRY } from './messaging/bus';

export interface Parser<T> {
  /** What a good value looks like, completing "NAME must be …". */
  readonly expected: string;
  /** Returns the value, or `undefined` when `raw` does not fit `expected`. */
  readonly parse: (raw: string) => T | undefined;
  /** Used when the variable is unset or empty; no default means required. */
  readonly fallback?: { value: T };
  /** Never echo the value in an error. */
  readonly secret?: boolean;
  /** Shows a bad value in an error (e.g. with credentials masked). */
  readonly show?: (raw: string) => string;
}

export type ConfigSpec = Record<string, Parser<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends Parser<infer T> ? T : never };
export type Env = Record<string, string | undefined>;

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => i.message).join('; '));
  }
}

export function loadConfig<S extends ConfigSpec>(env: Env, spec: S): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [variable, parser] of Object.entries(spec)) {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') {
      if (parser.fallback) config[variable] = parser.fallback.value;
      else issues.push({ variable, message: `${variable} is required: ${parser.expected}` });
      continue;
    }
    const value = parser.parse(raw);
    if (value !== undefined) {
      config[variable] = value;
      continue;
    }
    const shown = parser.secret ? ' (value hidden)' : `, got ${JSON.stringify(parser.show ? parser.show(raw) : raw)}`;
    issues.push({ variable, message: `${variable} must be ${parser.expected}${shown}` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config as ConfigOf<S>;
}

/** For process entry points: a bad configuration prints its one line to stderr and exits 1. */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

const parser = <T>(expected: string, parse: (raw: string) => T | undefined, fallback?: { value: T }): Parser<T> =>
  fallback ? { expected, parse, fallback } : { expected, parse };
const given = <T>(value: T | undefined) => (value === undefined ? undefined : { value });

export function string(defaultValue?: string, opts: { pattern?: RegExp; expected?: string } = {}): Parser<string> {
  const expected = opts.expected ?? (opts.pattern ? `a string matching ${opts.pattern}` : 'a non-empty string');
  return parser(expected, (raw) => (opts.pattern && !opts.pattern.test(raw) ? undefined : raw), given(defaultValue));
}

export function int(opts: { min?: number; max?: number; default?: number } = {}): Parser<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  const range =
    opts.min !== undefined && opts.max !== undefined ? ` ${min}..${max}`
    : opts.min !== undefined ? ` >= ${min}`
    : opts.max !== undefined ? ` <= ${max}`
    : '';
  return parser(`an integer${range}`, (raw) => {
    if (!/^[-+]?\d+$/.test(raw)) return undefined;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  }, given(opts.default));
}

export const port = (defaultValue?: number) => int({ min: 1, max: 65535, default: defaultValue });

export function bool(defaultValue?: boolean): Parser<boolean> {
  const values: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };
  return parser('true or false', (raw) => values[raw.toLowerCase()], given(defaultValue));
}

export function oneOf<const T extends string>(values: readonly T[], defaultValue?: NoInfer<T>): Parser<T> {
  return parser(
    `one of ${values.join(', ')}`,
    (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined,
    given(defaultValue),
  );
}

/** Comma-separated, blanks dropped. */
export function list(defaultValue?: string[]): Parser<string[]> {
  return parser('a comma-separated list', splitList, given(defaultValue));
}

export function intList(defaultValue?: number[], opts: { min?: number } = {}): Parser<number[]> {
  const { min = 0 } = opts;
  return parser(`a comma-separated list of integers >= ${min}`, (raw) => {
    const items = splitList(raw);
    const numbers = items.map(Number);
    return items.every((s) => /^\d+$/.test(s)) && numbers.every((n) => Number.isSafeInteger(n) && n >= min)
      ? numbers
      : undefined;
  }, given(defaultValue));
}

/** Browser origins for CORS: exact `scheme://host[:port]`, no path, no wildcard. */
export function originList(defaultValue?: string[]): Parser<string[]> {
  return parser('a comma-separated list of origins like https://shop.example.com', (raw) => {
    const items = splitList(raw);
    return items.every(isOrigin) ? items : undefined;
  }, given(defaultValue));
}

/** An absolute URL with one of `protocols` (e.g. `['postgres:', 'postgresql:']`); credentials are masked in errors. */
export function url(protocols: readonly string[], defaultValue?: string): Parser<string> {
  const expected = `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  return {
    ...parser(expected, (raw) => {
      const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
      return parsed && protocols.includes(parsed.protocol) && parsed.host !== '' ? raw : undefined;
    }, given(defaultValue)),
    show: maskCredentials,
  };
}

/** Unset or empty → `undefined` instead of required. */
export function optional<T>(inner: Parser<T>): Parser<T | undefined> {
  return { ...inner, fallback: { value: undefined } };
}

/** The value never appears in an error message. */
export function secret<T>(inner: Parser<T>): Parser<T> {
  return { ...inner, secret: true };
}

// Above proxyTrust: commonConfigSpec calls it while this module loads.
const PROXY_ADDRESS_WORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** What proxy-addr (Fastify's `trustProxy`) accepts, minus its netmask form: an address, a CIDR or one of its words. */
function isProxyAddress(value: string): boolean {
  if (PROXY_ADDRESS_WORDS.has(value)) return true;
  const [address = '', bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Which peers may report the client's address in X-Forwarded-For: `true` (any: only behind a proxy
 * that overwrites the header), `false` (none), or a comma list of addresses, CIDRs and proxy-addr's
 * words `loopback`, `linklocal`, `uniquelocal`.
 */
export function proxyTrust(defaultValue: string): Parser<boolean | string[]> {
  const parse = (raw: string) => {
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    const items = splitList(raw);
    return items.length > 0 && items.every(isProxyAddress) ? items : undefined;
  };
  const fallback = parse(defaultValue);
  if (fallback === undefined) throw new Error(`proxyTrust: bad default ${JSON.stringify(defaultValue)}`);
  return parser('"true", "false", or a comma list of IP addresses, CIDRs and the words loopback, linklocal, uniquelocal', parse, { value: fallback });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What every service reads; each adds its own (`PORT` with its default, ...). */
export const commonConfigSpec = {
  NODE_ENV: oneOf(['development', 'production', 'test'], 'development'),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'])),
  /** Connections each process may open to DATABASE_URL's PostgreSQL (replicas × workers × this, per service, against max_connections). */
  DATABASE_POOL_SIZE: int({ min: 1, max: 100, default: 10 }),
  RABBITMQ_URL: optional(url(['amqp:', 'amqps:'])),
  DATA_DIR: string('./data'),
  CORS_ORIGINS: originList([]),
  WEB_CONCURRENCY: int({ min: 1, max: 64, default: 1 }),
  RETRY_DELAYS_MS: intList([...DEFAULT_RETRY.delaysMs]),
  OUTBOX_POLL_MS: int({ min: 10, max: 60_000, default: 500 }),
  SHUTDOWN_TIMEOUT_MS: int({ min: 0, max: 600_000, default: 10_000 }),
  /** Requests per minute per client address, on every route; 0 turns the limit off. */
  RATE_LIMIT_PER_MIN: int({ min: 0, default: 1200 }),
  /**
   * Where the rate limits count, shared by every worker and replica of a service; unset, each
   * process counts on its own (N processes let an address make N times as many requests).
   */
  RATE_LIMIT_REDIS_URL: optional(url(['redis:', 'rediss:'])),
  /**
   * Where traces go (OTLP/HTTP); unset, tracing is off. Checked here so a bad URL stops start-up
   * with one line; the OpenTelemetry SDK reads it, and the other OTEL_* variables, itself.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optional(url(['http:', 'https:'])),
  /**
   * Which proxies may tell the client's address (X-Forwarded-For). None by default: anyone who can
   * reach the port could otherwise pick the address its rate limits count under. Name the proxy
   * the deployment really has, by its own address (`npm start` sets the web server's for you).
   */
  TRUST_PROXY: proxyTrust('false'),
};

export type CommonConfig = ConfigOf<typeof commonConfigSpec>;

/**
 * Passwords published with the code, by the variable that takes them: docker-compose.yml's
 * development defaults and identity's administrator password outside production (the README
 * prints it). Anyone can read them, so production refuses them (checkDevelopmentSecrets).
 */
export const DEVELOPMENT_SECRETS = {
  ADMIN_PASSWORD: 'admin12345',
  POSTGRES_PASSWORD: 'dev-postgres-password',
  IDENTITY_DB_PASSWORD: 'dev-identity-db-password',
  INVENTORY_DB_PASSWORD: 'dev-inventory-db-password',
  ORDERS_DB_PASSWORD: 'dev-orders-db-password',
  PAYMENTS_DB_PASSWORD: 'dev-payments-db-password',
  PAYMENT_PROVIDER_API_KEY: 'sk_test_sandbox',
  PAYMENT_WEBHOOK_SECRET: 'whsec_sandbox_development',
  RABBITMQ_PASSWORD: 'dev-rabbitmq-password',
} as const;

const developmentSecrets: ReadonlySet<string> = new Set(Object.values(DEVELOPMENT_SECRETS));

/** A published password as the whole value, or as the password of a URL (DATABASE_URL, RABBITMQ_URL). */
function holdsDevelopmentSecret(value: string): boolean {
  if (developmentSecrets.has(value)) return true;
  if (!URL.canParse(value)) return false;
  const { password } = new URL(value);
  try {
    return developmentSecrets.has(decodeURIComponent(password));
  } catch {
    return developmentSecrets.has(password);
  }
}

/**
 * Variables of a loaded configuration that hold a published development password: with
 * NODE_ENV=production a ConfigError naming them; elsewhere the warning line to log, or undefined.
 * Neither ever contains the value.
 */
export function checkDevelopmentSecrets(config: Readonly<Record<string, unknown>>): string | undefined {
  const variables = Object.entries(config).filter(([, value]) => typeof value === 'string' && holdsDevelopmentSecret(value)).map(([variable]) => variable);
  if (variables.length === 0) return undefined;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(variables.map((variable) => ({
      variable,
      message: `${variable} must not hold a public development default password when NODE_ENV=production`,
    })));
  }
  return `DEVELOPMENT DEFAULT PASSWORDS in ${variables.join(', ')}: published with the code, for development only; set your own (and NODE_ENV=production) anywhere else`;
}

function splitList(raw: string): string[] {
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === value;
}

function maskCredentials(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/]*@/i, '$1:***@');
}
