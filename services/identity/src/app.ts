import { fileURLToPath } from 'node:url';
import { createAuthorizer } from '@pedidos/platform/auth';
import { migrate } from '@pedidos/platform/db';
import { createHttpApp, httpSettings } from '@pedidos/platform/http';
import { createMetrics } from '@pedidos/platform/metrics';
import type { Adapters, ServiceApp } from '@pedidos/platform/runtime';
import { DEV_ADMIN_PASSWORD, adminPassword, type IdentityConfig } from './config';
import { identityErrors } from './http/errors';
import { identityRoutes } from './http/routes';
import { createIdentityService } from './identity-service';
import { createKeyRing, principalVerifier } from './key-ring';

export const MIGRATIONS = fileURLToPath(new URL('../migrations', import.meta.url));

const DAY_MS = 24 * 3600 * 1000;

/** `now` moves the clock of keys, tokens and lockouts (tests); the bus is not used: identity publishes nothing yet. */
export async function buildIdentity({ database, log, config, now = () => new Date() }: Adapters & { config: IdentityConfig; now?: () => Date }) {
  const password = adminPassword(config);
  const keys = createKeyRing({
    db: database.db, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE,
    accessTokenTtlS: config.ACCESS_TOKEN_TTL_S, rotationDays: config.KEY_ROTATION_DAYS, now,
  });
  const service = createIdentityService({ db: database.db, keys, log, settings: config, now });
  const metrics = createMetrics({ service: 'identity' });

  const http = await createHttpApp({
    service: 'identity',
    version: '0.1.0',
    log,
    metrics,
    ...httpSettings(config),
    readiness: { database: database.ping },
    errors: identityErrors,
    openapi: {
      title: 'Identity service',
      description: 'Accounts, passwords and the EdDSA-signed access tokens the other services accept; publishes its keys as a JWKS.',
    },
  });
  await http.register(identityRoutes, {
    service,
    authorize: createAuthorizer(principalVerifier(keys)),
    issuer: config.JWT_ISSUER,
    loginPerMinute: config.LOGIN_RATE_LIMIT_PER_MIN,
    registerPerMinute: config.REGISTER_RATE_LIMIT_PER_MIN,
  });

  const dailyUpkeep = async () => {
    try {
      const { kid, rotated } = await keys.rotate();
      if (rotated) log.info({ kid }, 'new signing key');
    } catch (error) {
      log.error({ err: error }, 'signing key rotation failed');
    }
    try {
      const forgotten = await service.forgetStaleLoginFailures();
      if (forgotten > 0) log.info({ forgotten }, 'stale login failures forgotten');
    } catch (error) {
      log.error({ err: error }, 'forgetting stale login failures failed');
    }
  };
  let upkeep: NodeJS.Timeout | undefined;

  return {
    http,
    service,
    async start() {
      await migrate(database, { schema: 'identity', migrationsFolder: MIGRATIONS });
      const { kid, rotated } = await keys.rotate();
      if (rotated) log.info({ kid }, 'new signing key');
      const admin = await service.bootstrapAdmin(config.ADMIN_EMAIL, password);
      if (admin.created) log.info({ email: config.ADMIN_EMAIL }, 'admin account created');
      // A password the operator chose is theirs to know; only the public default is shown.
      if (config.NODE_ENV === 'development') log.info(`admin: ${config.ADMIN_EMAIL} / ${password === DEV_ADMIN_PASSWORD ? password : '(ADMIN_PASSWORD)'}`);
      upkeep = setInterval(() => void dailyUpkeep(), DAY_MS);
      upkeep.unref();
    },
    async stop() {
      clearInterval(upkeep);
      await http.close();
    },
  } satisfies ServiceApp & Record<string, unknown>;
}
