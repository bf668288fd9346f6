import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bool,
  checkDevelopmentSecrets,
  commonConfigSpec,
  ConfigError,
  DEVELOPMENT_SECRETS,
  exitOnConfigError,
  int,
  intList,
  list,
  loadConfig,
  oneOf,
  optional,
  originList,
  port,
  proxyTrust,
  secret,
  string,
  url,
  type Env,
} from '../src/config';

/** The one-line message a bad value produces, or null when it loads. */
function failure(env: Env, spec: Parameters<typeof loadConfig>[1]): string | null {
  try {
    loadConfig(env, spec);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
}

describe('loadConfig', () => {
  it('gives every common variable its default when the environment is empty', () => {
    const config = loadConfig({}, { ...commonConfigSpec, PORT: port(5000) });
    expect(config).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
      RABBITMQ_URL: undefined,
      DATA_DIR: './data',
      CORS_ORIGINS: [],
      WEB_CONCURRENCY: 1,
      RETRY_DELAYS_MS: [200, 1000, 5000],
      OUTBOX_POLL_MS: 500,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      RATE_LIMIT_PER_MIN: 1200,
      RATE_LIMIT_REDIS_URL: undefined,
      TRUST_PROXY: false,
      PORT: 5000,
    });
  });

  it('reads every common variable from the environment', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgres://app:secret@db:5432/pedidos',
        DATABASE_POOL_SIZE: '3',
        RABBITMQ_URL: 'amqp://guest:guest@broker:5672',
        DATA_DIR: '/var/lib/pedidos',
        CORS_ORIGINS: 'https://shop.example.com, http://localhost:3000',
        WEB_CONCURRENCY: '4',
        RETRY_DELAYS_MS: '100,200',
        OUTBOX_POLL_MS: '250',
        SHUTDOWN_TIMEOUT_MS: '0',
        RATE_LIMIT_PER_MIN: '0',
        RATE_LIMIT_REDIS_URL: 'redis://:secret@cache:6379',
        TRUST_PROXY: '10.0.0.0/8, loopback',
        PORT: '8080',
      },
      { ...commonConfigSpec, PORT: port(5000) },
    );
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://app:secret@db:5432/pedidos',
      DATABASE_POOL_SIZE: 3,
      RABBITMQ_URL: 'amqp://guest:guest@broker:5672',
      DATA_DIR: '/var/lib/pedidos',
      CORS_ORIGINS: ['https://shop.example.com', 'http://localhost:3000'],
      WEB_CONCURRENCY: 4,
      RETRY_DELAYS_MS: [100, 200],
      OUTBOX_POLL_MS: 250,
      SHUTDOWN_TIMEOUT_MS: 0,
      RATE_LIMIT_PER_MIN: 0,
      RATE_LIMIT_REDIS_URL: 'redis://:secret@cache:6379',
      TRUST_PROXY: ['10.0.0.0/8', 'loopback'],
      PORT: 8080,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ' }, { PORT: port(5000), DATABASE_URL: commonConfigSpec.DATABASE_URL })).toEqual({
      PORT: 5000,
      DATABASE_URL: undefined,
    });
  });

  it('fails on a missing required variable, naming it and what it expects', () => {
    expect(failure({}, { JWT_ISSUER: url(['https:']) })).toBe('JWT_ISSUER is required: a URL starting with https://');
  });

  it('names every bad variable in one line', () => {
    const message = failure({ PORT: 'abc', LOG_LEVEL: 'loud' }, { PORT: port(5000), LOG_LEVEL: commonConfigSpec.LOG_LEVEL });
    expect(message).toBe('PORT must be an integer 1..65535, got "abc"; LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
    expect(message).not.toContain('\n');
  });

  it('exposes each issue with its variable', () => {
    try {
      loadConfig({ PORT: '0' }, { PORT: port(5000) });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([{ variable: 'PORT', message: 'PORT must be an integer 1..65535, got "0"' }]);
    }
  });
});

describe('parsers', () => {
  const one = <T>(parser: Parameters<typeof loadConfig>[1][string], raw: string) =>
    loadConfig({ X: raw }, { X: parser }).X as T;

  it.each([
    [port(1), '1', 1],
    [port(1), '65535', 65535],
    [int({ min: 1, max: 64 }), '64', 64],
    [int(), '-5', -5],
    [bool(false), 'true', true],
    [bool(true), 'No', false],
    [oneOf(['a', 'b'] as const), 'b', 'b'],
    [string(), ' spaced value ', 'spaced value'],
    [string(undefined, { pattern: /^[a-z]+$/ }), 'abc', 'abc'],
    [list(), 'a, b,,c ', ['a', 'b', 'c']],
    [intList(), '0, 15 ,3000', [0, 15, 3000]],
    [originList(), 'https://a.example.com,http://localhost:3000', ['https://a.example.com', 'http://localhost:3000']],
    [url(['postgres:', 'postgresql:']), 'postgresql://localhost/db', 'postgresql://localhost/db'],
    [url(['amqps:']), 'amqps://user:pw@mq.example.com:5671/vhost', 'amqps://user:pw@mq.example.com:5671/vhost'],
  ])('%#: accepts a good value', (parser, raw, expected) => {
    expect(one(parser, raw)).toEqual(expected);
  });

  it.each([
    [port(5000), '70000', 'X must be an integer 1..65535, got "70000"'],
    [port(5000), '80.5', 'X must be an integer 1..65535, got "80.5"'],
    [int({ min: 1 }), '0', 'X must be an integer >= 1, got "0"'],
    [int({ max: 9 }), '10', 'X must be an integer <= 9, got "10"'],
    [int(), '1e3', 'X must be an integer, got "1e3"'],
    [int(), '99999999999999999999', 'X must be an integer, got "99999999999999999999"'],
    [bool(), 'maybe', 'X must be true or false, got "maybe"'],
    [oneOf(['a', 'b']), 'c', 'X must be one of a, b, got "c"'],
    [string(undefined, { pattern: /^[a-z]+$/ }), 'ABC', 'X must be a string matching /^[a-z]+$/, got "ABC"'],
    [intList(), '100,soon', 'X must be a comma-separated list of integers >= 0, got "100,soon"'],
    [intList(), '-1', 'X must be a comma-separated list of integers >= 0, got "-1"'],
    [originList(), '*', 'X must be a comma-separated list of origins like https://shop.example.com, got "*"'],
    [originList(), 'https://a.example.com/', 'X must be a comma-separated list of origins like https://shop.example.com, got "https://a.example.com/"'],
    [url(['postgres:']), 'not a url', 'X must be a URL starting with postgres://, got "not a url"'],
  ])('%#: rejects a bad value in one line naming the variable', (parser, raw, message) => {
    expect(failure({ X: raw }, { X: parser })).toBe(message);
  });

  it('masks the password of a URL with the wrong scheme', () => {
    const message = failure({ DATABASE_URL: 'mysql://app:s3cr3t@db/pedidos' }, { DATABASE_URL: commonConfigSpec.DATABASE_URL });
    expect(message).toBe('DATABASE_URL must be a URL starting with postgres:// or postgresql://, got "mysql://app:***@db/pedidos"');
  });

  it('wants redis:// or rediss:// for the rate limit store, without echoing its password', () => {
    const message = failure({ RATE_LIMIT_REDIS_URL: 'http://user:secret@cache:6379' }, { RATE_LIMIT_REDIS_URL: commonConfigSpec.RATE_LIMIT_REDIS_URL });
    expect(message).toBe('RATE_LIMIT_REDIS_URL must be a URL starting with redis:// or rediss://, got "http://user:***@cache:6379"');
  });

  it('masks a password that itself contains @', () => {
    const message = failure({ RABBITMQ_URL: 'http://guest:p@ss@broker' }, { RABBITMQ_URL: commonConfigSpec.RABBITMQ_URL });
    expect(message).toBe('RABBITMQ_URL must be a URL starting with amqp:// or amqps://, got "http://guest:***@broker"');
  });

  it('never echoes a secret', () => {
    const message = failure({ ADMIN_PASSWORD: 'short' }, { ADMIN_PASSWORD: secret(string(undefined, { pattern: /^.{8,}$/, expected: 'at least 8 characters' })) });
    expect(message).toBe('ADMIN_PASSWORD must be at least 8 characters (value hidden)');
  });

  it('leaves an optional variable undefined and still validates it when set', () => {
    expect(loadConfig({}, { JWKS_URL: optional(url(['https:'])) }).JWKS_URL).toBeUndefined();
    expect(failure({ JWKS_URL: 'ftp://keys' }, { JWKS_URL: optional(url(['https:'])) })).toBe('JWKS_URL must be a URL starting with https://, got "ftp://keys"');
  });

  it('types the result from the spec', () => {
    const config = loadConfig({}, { PORT: port(5000), LEVEL: oneOf(['a', 'b'], 'a'), URL: optional(url(['https:'])) });
    const typed: { readonly PORT: number; readonly LEVEL: 'a' | 'b'; readonly URL: string | undefined } = config;
    expect(typed.LEVEL).toBe('a');
  });
});

describe('TRUST_PROXY', () => {
  const trust = (raw: string | undefined) => loadConfig({ TRUST_PROXY: raw }, { TRUST_PROXY: commonConfigSpec.TRUST_PROXY }).TRUST_PROXY;

  it('trusts no proxy unless told: a caller who reaches the port cannot choose the address it is counted under', () => {
    expect(trust(undefined)).toBe(false);
    expect(trust('')).toBe(false);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['127.0.0.2', ['127.0.0.2']],
    ['172.28.0.10', ['172.28.0.10']],
    ['10.244.0.0/16, 10.0.0.0/8', ['10.244.0.0/16', '10.0.0.0/8']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
    ['loopback, uniquelocal, linklocal', ['loopback', 'uniquelocal', 'linklocal']],
  ])('takes %j', (raw, expected) => {
    expect(trust(raw)).toEqual(expected);
  });

  it.each(['proxy.internal', '10.0.0', '10.0.0.0/33', '::1/129', '10.0.0.0/8/8', '10.0.0.0/x', 'loopbacks', 'yes', ','])(
    'refuses %j in one line, before Fastify would fail on it at the first request',
    (raw) => {
      expect(failure({ TRUST_PROXY: raw }, { TRUST_PROXY: commonConfigSpec.TRUST_PROXY })).toBe(
        `TRUST_PROXY must be "true", "false", or a comma list of IP addresses, CIDRs and the words loopback, linklocal, uniquelocal, got ${JSON.stringify(raw)}`,
      );
    },
  );

  it('takes a default of addresses, and refuses one it would not accept from the environment', () => {
    expect(loadConfig({}, { X: proxyTrust('127.0.0.2, 10.0.0.0/8') }).X).toEqual(['127.0.0.2', '10.0.0.0/8']);
    expect(() => proxyTrust('everyone')).toThrow('proxyTrust: bad default "everyone"');
  });
});

describe('exitOnConfigError', () => {
  it('prints the one line to stderr and exits 1', () => {
    const config = fileURLToPath(new URL('../src/config.ts', import.meta.url));
    const script = `
      const { exitOnConfigError, loadConfig, port } = await import(${JSON.stringify(config)});
      exitOnConfigError(() => loadConfig({ PORT: 'abc' }, { PORT: port(5000) }));
      console.log('still running');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stderr).toBe('Invalid configuration: PORT must be an integer 1..65535, got "abc"\n');
    expect(child.stdout).toBe('');
  });

  it('returns the config when it is valid', () => {
    expect(exitOnConfigError(() => loadConfig({ PORT: '1234' }, { PORT: port(5000) }))).toEqual({ PORT: 1234 });
  });
});

describe('checkDevelopmentSecrets', () => {
  const spec = { ...commonConfigSpec, ADMIN_PASSWORD: optional(secret(string())) };
  const published = {
    DATABASE_URL: `postgres://orders:${DEVELOPMENT_SECRETS.ORDERS_DB_PASSWORD}@postgres:5432/orders`,
    // Percent-encoded in a URL, it is still the same password.
    RABBITMQ_URL: `amqp://pedidos:${encodeURIComponent(DEVELOPMENT_SECRETS.RABBITMQ_PASSWORD).replace('-', '%2D')}@rabbitmq:5672`,
    ADMIN_PASSWORD: DEVELOPMENT_SECRETS.ADMIN_PASSWORD,
  };
  const own = {
    DATABASE_URL: 'postgres://orders:vault-orders-5Tb1@postgres:5432/orders',
    RABBITMQ_URL: 'amqp://pedidos:vault-rabbitmq-9Pz4@rabbitmq:5672',
    ADMIN_PASSWORD: 'vault-admin-7Qx2',
  };
  const refusal = (env: Env) => {
    try {
      checkDevelopmentSecrets(loadConfig(env, spec));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('not refused');
  };

  it('outside production, gives one warning line naming each variable that holds a published password, never the password', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const warning = checkDevelopmentSecrets(loadConfig({ ...published, NODE_ENV }, spec));
      expect(warning).toBe('DEVELOPMENT DEFAULT PASSWORDS in DATABASE_URL, RABBITMQ_URL, ADMIN_PASSWORD: published with the code, for development only; set your own (and NODE_ENV=production) anywhere else');
    }
    const one = checkDevelopmentSecrets(loadConfig({ ...own, DATABASE_URL: published.DATABASE_URL }, spec));
    expect(one).toMatch(/^DEVELOPMENT DEFAULT PASSWORDS in DATABASE_URL:/);
  });

  it('in production, refuses them with one issue per variable, never showing the password', () => {
    const error = refusal({ ...published, NODE_ENV: 'production' });
    expect(error.issues.map((i) => i.variable)).toEqual(['DATABASE_URL', 'RABBITMQ_URL', 'ADMIN_PASSWORD']);
    expect(error.issues[0]?.message).toBe('DATABASE_URL must not hold a public development default password when NODE_ENV=production');
    for (const secret of Object.values(DEVELOPMENT_SECRETS)) expect(error.message).not.toContain(secret);
    expect(refusal({ ...own, RABBITMQ_URL: published.RABBITMQ_URL, NODE_ENV: 'production' }).issues.map((i) => i.variable)).toEqual(['RABBITMQ_URL']);
  });

  it('says nothing of passwords of their own, or of no password at all, in any environment', () => {
    for (const NODE_ENV of ['development', 'production']) {
      expect(checkDevelopmentSecrets(loadConfig({ ...own, NODE_ENV }, spec))).toBeUndefined();
      expect(checkDevelopmentSecrets(loadConfig({ NODE_ENV }, spec))).toBeUndefined();
    }
    // A published password as a user name or host is not a password.
    expect(checkDevelopmentSecrets(loadConfig({ DATABASE_URL: `postgres://${DEVELOPMENT_SECRETS.ORDERS_DB_PASSWORD}@db/orders` }, spec))).toBeUndefined();
  });
});
