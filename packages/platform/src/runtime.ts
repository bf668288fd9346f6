import { exitOnConfigError, loadConfig, type CommonConfig, type ConfigOf, type ConfigSpec } from './config';
import { openDatabase, type Database } from './db';
import { onShutdown } from './lifecycle';
import { createLogger, type Logger } from './logger';
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

/**
 * PostgreSQL when DATABASE_URL is set, else an embedded PGlite under DATA_DIR;
 * RabbitMQ when RABBITMQ_URL is set, else the in-process transport.
 */
export async function openDatabaseFor(config: CommonConfig, log: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    const database = await openDatabase({ url: config.DATABASE_URL });
    log.info({ database: 'postgresql', host: new URL(config.DATABASE_URL).host }, 'database: PostgreSQL');
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
    const bus = await createRabbitMqBus({ url: config.RABBITMQ_URL, retry, log });
    log.info({ transport: 'rabbitmq', host: new URL(config.RABBITMQ_URL).host }, 'messages: RabbitMQ');
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
  const log = createLogger({ level: config.LOG_LEVEL, service: opts.name });
  const database = await openDatabaseFor(config, log);
  const bus = await openBusFor(config, log);
  const app = await opts.build({ database, bus, log, config });
  await app.start();
  await app.http.listen({ port: config.PORT, host: '0.0.0.0' });
  onShutdown(log, async () => {
    await app.stop();
    await bus.close();
    await database.close();
  }, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}
