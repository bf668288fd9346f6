import type { Logger } from './logger';
import { SHUTDOWN_MESSAGE } from './workers';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * For process entry points: the first SIGTERM/SIGINT runs `stop` once and exits 0 (1 if it
 * throws). A second signal, or `stop` outliving `timeoutMs`, forces exit 1. Returns the
 * unregister function.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>, opts: { timeoutMs: number }): () => void {
  let stopping = false;
  const exit = (code: number) => {
    log.flush();
    process.exit(code);
  };

  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown, forcing exit');
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal, timeoutMs: opts.timeoutMs }, 'shutting down');
    // Not unref'd: it must fire even if `stop` leaves nothing else keeping the loop alive.
    const timer = setTimeout(() => {
      log.error({ timeoutMs: opts.timeoutMs }, 'shutdown timed out, forcing exit');
      exit(1);
    }, opts.timeoutMs);
    stop().then(
      () => {
        clearTimeout(timer);
        log.info('shutdown complete');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };

  // A worker's primary asks by message (see workers.ts); after a signal it changes nothing.
  const onMessage = (message: unknown) => {
    if (message === SHUTDOWN_MESSAGE && !stopping) handle('SIGTERM');
  };
  for (const signal of SIGNALS) process.on(signal, handle);
  process.on('message', onMessage);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handle);
    process.off('message', onMessage);
  };
}
