import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@pedidos/platform/config';
import { runToExit } from '@pedidos/platform/testing';
import { DEV_ADMIN_PASSWORD, adminPassword, loadIdentityConfig } from '../src/config';

const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));

const run = (env: Record<string, string>) => runToExit('src/main.ts', env, SERVICE_DIR);

describe('identity configuration', () => {
  it('in production without ADMIN_PASSWORD, the service refuses to start with one line naming it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'identity-config-'));
    try {
      const { code, out } = await run({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '1' });
      expect(code).toBe(1);
      expect(out.trim().split('\n')).toEqual(['Invalid configuration: ADMIN_PASSWORD is required when NODE_ENV=production']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('in production the documented development ADMIN_PASSWORD is refused with one line naming it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'identity-config-'));
    try {
      const { code, out } = await run({ NODE_ENV: 'production', ADMIN_PASSWORD: DEV_ADMIN_PASSWORD, DATA_DIR: dataDir, PORT: '1' });
      expect(code).toBe(1);
      expect(out.trim().split('\n')).toEqual(['Invalid configuration: ADMIN_PASSWORD must not be the public development default when NODE_ENV=production']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('in production an ADMIN_PASSWORD the password policy refuses is refused, without showing it', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadIdentityConfig({ NODE_ENV: 'production', ...env });
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      return undefined;
    };
    expect(refusal({ ADMIN_PASSWORD: 'short1' })).toBe('ADMIN_PASSWORD must be at least 10 characters long when NODE_ENV=production');
    expect(refusal({ ADMIN_PASSWORD: 'xxxxxxxxxxxxxxxx' })).toBe('ADMIN_PASSWORD must not be one character repeated when NODE_ENV=production');
    expect(refusal({ ADMIN_EMAIL: 'root@shop.example', ADMIN_PASSWORD: 'ROOT@shop.example' })).toBe('ADMIN_PASSWORD must not be the email address when NODE_ENV=production');
    // Outside production the development fallbacks stay allowed.
    expect(adminPassword(loadIdentityConfig({ NODE_ENV: 'development', ADMIN_PASSWORD: 'short1' }))).toBe('short1');
  });

  it('in production an explicit ADMIN_PASSWORD is accepted and is the one used', () => {
    const config = loadIdentityConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 's3cret-from-the-vault' });
    expect(adminPassword(config)).toBe('s3cret-from-the-vault');
    expect(() => loadIdentityConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
  });

  it('elsewhere the development password is the fallback', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const config = loadIdentityConfig({ NODE_ENV });
      expect(adminPassword(config)).toBe(DEV_ADMIN_PASSWORD);
      expect(config).toMatchObject({ PORT: 5003, JWT_ISSUER: 'http://127.0.0.1:5003', JWT_AUDIENCE: 'pedidos', ACCESS_TOKEN_TTL_S: 900, KEY_ROTATION_DAYS: 30, ADMIN_EMAIL: 'admin@pedidos.local' });
      expect(config).toMatchObject({ LOGIN_MAX_FAILURES: 5, LOCKOUT_S: 900, LOCKOUT_MAX_S: 24 * 3600 });
    }
  });
});
