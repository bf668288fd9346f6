import { DEVELOPMENT_SECRETS, commonConfigSpec, exitOnConfigError, int, loadConfig, port, secret, string, url } from '@pedidos/platform/config';
import { onShutdown } from '@pedidos/platform/lifecycle';
import { createLogger } from '@pedidos/platform/logger';
import { createSandbox } from './sandbox/sandbox';

/** The defaults are the payments service's own development defaults, so `npm start` needs no setup. */
const sandboxConfigSpec = {
  PORT: port(5009),
  LOG_LEVEL: commonConfigSpec.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: commonConfigSpec.SHUTDOWN_TIMEOUT_MS,
  SANDBOX_API_KEY: secret(string(DEVELOPMENT_SECRETS.PAYMENT_PROVIDER_API_KEY)),
  PAYMENT_WEBHOOK_SECRET: secret(string(DEVELOPMENT_SECRETS.PAYMENT_WEBHOOK_SECRET)),
  SANDBOX_WEBHOOK_URL: url(['http:', 'https:'], 'http://127.0.0.1:5002/api/payments/webhooks/sandbox'),
  SANDBOX_SLOW_MS: int({ min: 0, max: 600_000, default: 15_000 }),
  SANDBOX_ASYNC_DELAY_MS: int({ min: 0, max: 600_000, default: 300 }),
  SANDBOX_WEBHOOK_DELAY_MS: int({ min: 0, max: 600_000, default: 200 }),
};

const config = exitOnConfigError(() => loadConfig(process.env, sandboxConfigSpec));
const log = createLogger({ level: config.LOG_LEVEL, service: 'payments-sandbox' });
const sandbox = createSandbox({
  apiKey: config.SANDBOX_API_KEY,
  webhookSecret: config.PAYMENT_WEBHOOK_SECRET,
  webhookUrl: config.SANDBOX_WEBHOOK_URL,
  slowMs: config.SANDBOX_SLOW_MS,
  asyncDelayMs: config.SANDBOX_ASYNC_DELAY_MS,
  webhookDelayMs: config.SANDBOX_WEBHOOK_DELAY_MS,
  log,
});
const address = await sandbox.listen(config.PORT, '0.0.0.0');
log.info({ address, webhookUrl: config.SANDBOX_WEBHOOK_URL }, 'card provider sandbox listening: simulated, in memory, no real money');
onShutdown(log, () => sandbox.close(), { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
