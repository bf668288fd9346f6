import { exitOnConfigError } from '@pedidos/platform/config';
import { onShutdown } from '@pedidos/platform/lifecycle';
import { createLogger } from '@pedidos/platform/logger';
import { exitOnStartupError } from '@pedidos/platform/runtime';
import { startTracing } from '@pedidos/platform/tracing';
import { loadSystemConfig, startSystem } from './system';
import { ensureWebBuild } from './web-build';

const configs = exitOnConfigError(() => loadSystemConfig(process.env));
const log = createLogger({ level: configs.config.LOG_LEVEL, service: 'launcher' });
// One process runs every service, so its spans share one service name (OTEL_SERVICE_NAME may change it).
const tracing = await startTracing({ service: 'pedidos', log });
const system = await exitOnStartupError(log, async () => {
  if (configs.config.WEB_DIST_DIR === undefined) ensureWebBuild(log);
  return startSystem(configs, log);
});
onShutdown(log, async () => {
  await system.stop();
  await tracing?.shutdown();
}, { timeoutMs: configs.config.SHUTDOWN_TIMEOUT_MS });
