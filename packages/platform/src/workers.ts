import cluster from 'node:cluster';
import { serveClusterMetrics } from './cluster-metrics';
import type { Logger } from './logger';

const RESTART_DELAY_MS = 1_000;

/** What a primary tells its workers on SIGTERM; `onShutdown` treats it as a first signal only. */
export const SHUTDOWN_MESSAGE = 'pedidos:shutdown';

/**
 * Like gunicorn's workers: with `count` above 1 this process becomes a primary that forks
 * `count` workers sharing the listening port (node:cluster), starts a new one when one dies,
 * and on SIGTERM/SIGINT passes the signal on and waits for every worker to drain. Each worker,
 * and the process itself when `count` is 1, runs `work`. `/metrics` of any worker answers for
 * all of them (cluster-metrics.ts).
 */
export async function runWorkers({ count, log, shutdownTimeoutMs, work }: {
  count: number;
  log: Logger;
  shutdownTimeoutMs: number;
  work: () => Promise<void>;
}): Promise<void> {
  if (count <= 1 || cluster.isWorker) return work();

  let stopping = false;
  serveClusterMetrics();
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  log.info({ workers: count }, 'workers started');

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ workerPid: worker.process.pid, code, signal }, 'worker died; starting another');
    // A short pause, so a worker that dies at startup does not spin the CPU.
    setTimeout(() => !stopping && fork(), RESTART_DELAY_MS).unref();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown, forcing exit');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping workers');
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    const exited = workers.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    // A message, not a signal: a terminal's Ctrl-C already reached every worker, and a second
    // signal would force them out instead of letting them drain.
    for (const w of workers) w.send(SHUTDOWN_MESSAGE);
    const timer = setTimeout(() => {
      log.error({ timeoutMs: shutdownTimeoutMs }, 'workers did not stop in time, forcing exit');
      process.exit(1);
    }, shutdownTimeoutMs + 1_000);
    void Promise.all(exited).then(() => {
      clearTimeout(timer);
      log.info('all workers stopped');
      log.flush();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
