import { exitOnConfigError, loadConfig } from '@pedidos/platform/config';
import { onShutdown } from '@pedidos/platform/lifecycle';
import { createLogger } from '@pedidos/platform/logger';
import { exitOnStartupError } from '@pedidos/platform/runtime';
import { ensureWebBuild, WEB_DIST_DIR } from './web-build';
import { createWebServer, webConfigSpec } from './web-server';

const config = exitOnConfigError(() => loadConfig(process.env, webConfigSpec));
const log = createLogger({ level: config.LOG_LEVEL, service: 'web' });
const web = await exitOnStartupError(log, async () => {
  if (config.WEB_DIST_DIR === undefined) ensureWebBuild(log);
  const app = await createWebServer({
    distDir: config.WEB_DIST_DIR ?? WEB_DIST_DIR, ordersUrl: config.ORDERS_URL, inventoryUrl: config.INVENTORY_URL, paymentsUrl: config.PAYMENTS_URL, identityUrl: config.IDENTITY_URL, log,
    trustProxy: config.TRUST_PROXY,
  });
  await app.listen({ port: config.PORT, host: '0.0.0.0' });
  return app;
});
onShutdown(log, () => web.close(), { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
