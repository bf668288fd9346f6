import type { FastifyReply } from 'fastify';

export interface EventStreamOptions {
  /** Sent as `retry:` first: how long an EventSource waits before reconnecting. */
  retryMs: number;
  /** A comment line this often keeps proxies and the server's idle timeout from closing a quiet stream. */
  heartbeatMs: number;
  /** Bytes queued for a client that is not reading; past this it is disconnected (it resumes with Last-Event-ID). */
  maxBufferedBytes: number;
  /** After `end()`, how long a client that does not take the last bytes keeps its connection. */
  endGraceMs?: number;
}

export interface EventStream {
  /** False once the client went away or the stream was ended. */
  readonly open: boolean;
  send(message: { id: number; event: string; data: string }): void;
  /** An `id:` alone: sets the client's Last-Event-ID without dispatching an event. */
  position(id: number): void;
  /** Resolves once the socket takes more data (or closed): for producers that can wait, such as a replay. */
  drained(): Promise<void>;
  onClose(listener: () => void): void;
  end(): void;
}

/**
 * Takes the response over from Fastify (`reply.hijack()`) and writes Server-Sent Events to the
 * raw socket. Headers Fastify's hooks already set (request id, CORS, security) are kept.
 */
export function openEventStream(reply: FastifyReply, opts: EventStreamOptions): EventStream {
  reply.hijack();
  const res = reply.raw;
  let open = true;
  const closeListeners: (() => void)[] = [];

  const finish = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    for (const listener of closeListeners.splice(0)) listener();
  };

  const write = (chunk: string) => {
    if (!open) return;
    res.write(chunk);
    // A client that stops reading is cut off rather than buffered without bound.
    if (res.writableLength > opts.maxBufferedBytes) {
      res.destroy();
      finish();
    }
  };

  res.on('close', finish);
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    // nginx would otherwise hold events back in its response buffer.
    'x-accel-buffering': 'no',
  });
  const heartbeat = setInterval(() => write(': keep-alive\n\n'), opts.heartbeatMs);
  heartbeat.unref();
  write(`retry: ${opts.retryMs}\n\n`);
  // A client that left before the route got here had its 'close' when no one listened: it never comes again.
  if (res.destroyed) finish();

  return {
    get open() {
      return open;
    },
    send({ id, event, data }) {
      const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
      write(`id: ${id}\nevent: ${event}\n${lines}\n`);
    },
    position(id) {
      write(`id: ${id}\n\n`);
    },
    drained() {
      if (!open || !res.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    onClose(listener) {
      if (open) closeListeners.push(listener);
      else listener();
    },
    end() {
      if (!open) return;
      finish();
      res.end();
      // end() waits for the queued bytes to be read; shutdown must not wait on a stalled client.
      setTimeout(() => {
        if (!res.writableFinished) res.destroy();
      }, opts.endGraceMs ?? 1000).unref();
    },
  };
}
