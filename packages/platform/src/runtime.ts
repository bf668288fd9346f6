import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ConfigError, checkDevelopmentSecrets, exitOnConfigError, loadConfig, type CommonConfig, type ConfigOf, type ConfigSpec } from './config';
import { runWorkers } from './workers';
import { openDatabase, type Database } from './db';
import { onShutdown } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { startTracing } from './tracing';
import { createInProcessBus, createRabbitMqBus, type Bus } from './messaging';

/** What every service is built from: the only seam between its code and the world. */
export interface Adapters {
  database: Database;
  bus: Bus;
  log: Logger;
}

/** A composed service: an HTTP app plus the background work (consumers, relay) it starts. */
export interface ServiceApp {
  http: { listen(opts: { port: number; host: string }): Promise<string>; close(): Promise<void> };
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A dependency named by a variable cannot be reached: worth one clear line, not a stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** The innermost cause, where drivers keep the useful part (ECONNREFUSED, an auth failure). */
function reason(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  if (!(inner instanceof Error)) return String(inner);
  const code = (inner as NodeJS.ErrnoException).code;
  return code?.startsWith('E') ? code : inner.message;
}

/**
 * PostgreSQL when DATABASE_URL is set, else an embedded PGlite under DATA_DIR;
 * RabbitMQ when RABBITMQ_URL is set, else the in-process transport.
 */
export async function openDatabaseFor(config: CommonConfig, log: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    const host = new URL(config.DATABASE_URL).host;
    const database = await openDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
    try {
      await database.ping();
    } catch (error) {
      await database.close();
      throw new StartupError(`DATABASE_URL: cannot reach PostgreSQL at ${host} (${reason(error)})`);
    }
    log.info({ database: 'postgresql', host }, 'database: PostgreSQL');
    return database;
  }
  const dataDir = config.DATA_DIR;
  const database = await openDatabase({ dataDir });
  log.info({ database: 'pglite', dataDir }, 'database: embedded PGlite (set DATABASE_URL for PostgreSQL)');
  return database;
}

export async function openBusFor(config: CommonConfig, log: Logger): Promise<Bus> {
  const retry = { delaysMs: config.RETRY_DELAYS_MS };
  if (config.RABBITMQ_URL) {
    const host = new URL(config.RABBITMQ_URL).host;
    const bus = await createRabbitMqBus({ url: config.RABBITMQ_URL, retry, log }).catch((error: unknown) => {
      throw new StartupError(`RABBITMQ_URL: cannot reach RabbitMQ at ${host} (${reason(error)})`);
    });
    log.info({ transport: 'rabbitmq', host }, 'messages: RabbitMQ');
    return bus;
  }
  log.info({ transport: 'in-process' }, 'messages: in-process transport (set RABBITMQ_URL for RabbitMQ)');
  return createInProcessBus({ retry, log });
}

/** A service's process: config, adapters, start, listen, and a graceful SIGTERM. */
export async function runService<S extends ConfigSpec & { PORT: unknown }>(opts: {
  name: string;
  spec: S;
  build: (adapters: Adapters & { config: ConfigOf<S> }) => Promise<ServiceApp>;
}): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(process.env, opts.spec)) as ConfigOf<S> & CommonConfig & { PORT: number };
  const developmentSecretsWarning = exitOnConfigError(() => checkDevelopmentSecrets(config));
  const count = exitOnConfigError(() => workerCount(config, process.env.WEB_CONCURRENCY !== undefined && process.env.WEB_CONCURRENCY !== ''));
  const log = createLogger({ level: config.LOG_LEVEL, service: opts.name });
  // Workers run this too: the primary (or the only process) says it once for the service.
  if (developmentSecretsWarning && !cluster.isWorker) log.warn(developmentSecretsWarning);
  await runWorkers({ count, log, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, work: () => serve(opts, config, log) });
}

/**
 * Worker processes per service: WEB_CONCURRENCY, or one per CPU in production and one in
 * development. Several need the shared database and broker: PGlite and the in-process
 * transport live inside one process.
 */
export function workerCount(config: CommonConfig, explicit: boolean): number {
  const count = explicit ? config.WEB_CONCURRENCY : config.NODE_ENV === 'production' ? availableParallelism() : 1;
  if (count > 1 && (!config.DATABASE_URL || !config.RABBITMQ_URL)) {
    if (!explicit) return 1;
    throw new ConfigError([{
      variable: 'WEB_CONCURRENCY',
      message: 'WEB_CONCURRENCY above 1 needs DATABASE_URL and RABBITMQ_URL: the embedded database and in-process transport live in one process',
    }]);
  }
  return count;
}

async function serve<S extends ConfigSpec>(
  opts: { name: string; build: (adapters: Adapters & { config: ConfigOf<S> }) => Promise<ServiceApp> },
  config: ConfigOf<S> & CommonConfig & { PORT: number },
  log: Logger,
): Promise<void> {
  // Per process: each worker exports its own spans.
  const tracing = await startTracing({ service: opts.name, log });
  if (tracing) log.info('traces: exported over OTLP (OTEL_EXPORTER_OTLP_ENDPOINT)');
  const { database, bus, app } = await exitOnStartupError(log, async () => {
    const database = await openDatabaseFor(config, log);
    const bus = await openBusFor(config, log);
    const app = await opts.build({ database, bus, log, config });
    await app.start();
    await app.http.listen({ port: config.PORT, host: '0.0.0.0' });
    return { database, bus, app };
  });
  onShutdown(log, async () => {
    await app.stop();
    await bus.close();
    await database.close();
    // Last, so the spans of the work drained above are exported too.
    await tracing?.shutdown();
  }, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

/** For process entry points: an unreachable dependency logs one line naming it and exits 1. */
export async function exitOnStartupError<T>(log: Logger, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    log.fatal(error.message);
    log.flush();
    process.exit(1);
  }
}
