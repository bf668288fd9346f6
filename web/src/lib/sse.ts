import { createParser } from 'eventsource-parser';

/** One dispatched Server-Sent Event; `id` is its own `id:` field, when it had one. */
export interface SseMessage {
  type: string;
  data: string;
  id?: string;
}

/**
 * Calls `onId` with the id of each finished block that had an `id:` line, with data or without.
 * eventsource-parser 3 drops a block without data, its id included, yet that id still moves the
 * last event ID: the orders stream marks its resume position so. (Its version 4 reports every id
 * through `onId`, but needs Node 22.)
 */
function blockIds(onId: (id: string) => void) {
  let partial = '';
  let id: string | undefined;
  return (chunk: string) => {
    // A CR that ends the text may be half of a CRLF: it waits for the next chunk, as in the parser.
    const lines = (partial + chunk).split(/\r\n|\r(?!$)|\n/);
    partial = lines.pop()!;
    for (const line of lines) {
      if (line === '') {
        if (id !== undefined) onId(id);
        id = undefined;
        continue;
      }
      const value = /^id(?::|$) ?(.*)/.exec(line)?.[1];
      if (value !== undefined && !value.includes('\0')) id = value;
    }
  };
}

export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed';

export interface FollowOptions {
  url: string;
  /** Opens the request; the caller adds credentials (see `apiFetch`). */
  open: (url: string, init: RequestInit) => Promise<Response>;
  onMessage: (message: SseMessage) => void;
  onState?: (state: StreamState, info: { reconnected: boolean }) => void;
  signal: AbortSignal;
  lastEventId?: string;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Heartbeats arrive as comment lines; this long without a byte means the connection is dead. */
  idleTimeoutMs?: number;
}

/**
 * Follows an event stream until `signal` aborts or the server answers 204, reconnecting with
 * `Last-Event-ID` and exponential back-off with jitter. We read it with fetch, not EventSource,
 * because EventSource cannot send the Authorization header our API requires.
 */
export async function followEventStream(options: FollowOptions): Promise<void> {
  const { url, open, onMessage, onState, signal, initialDelayMs = 1000, maxDelayMs = 30_000, idleTimeoutMs = 60_000 } = options;
  let lastEventId = options.lastEventId ?? '';
  let serverDelay: number | undefined;
  let failures = 0;
  let opened = false;

  while (!signal.aborted) {
    onState?.(opened ? 'retrying' : 'connecting', { reconnected: false });
    const attempt = new AbortController();
    const abort = () => attempt.abort();
    signal.addEventListener('abort', abort);
    let idle: ReturnType<typeof setTimeout> | undefined;
    const watchdog = () => {
      clearTimeout(idle);
      idle = setTimeout(abort, idleTimeoutMs);
    };
    try {
      const headers = new Headers({ accept: 'text/event-stream', 'cache-control': 'no-cache' });
      if (lastEventId) headers.set('last-event-id', lastEventId);
      watchdog();
      const response = await open(url, { headers, signal: attempt.signal, cache: 'no-store' });
      if (response.status === 204) {
        onState?.('closed', { reconnected: false });
        return;
      }
      if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        await response.body?.cancel();
        throw new Error(`event stream refused: HTTP ${response.status}`);
      }
      onState?.('open', { reconnected: opened });
      opened = true;
      failures = 0;
      const parser = createParser({
        onEvent: ({ event, data, id }) => onMessage({ type: event ?? 'message', data, id }),
        onRetry: (ms) => {
          serverDelay = ms;
        },
      });
      const followIds = blockIds((id) => {
        lastEventId = id;
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        watchdog();
        parser.feed(value);
        // After the parser: if a handler throws, the next connection resumes before this chunk, so nothing is skipped.
        followIds(value);
      }
    } catch {
      failures++;
    } finally {
      clearTimeout(idle);
      signal.removeEventListener('abort', abort);
    }
    if (signal.aborted) break;
    const base = serverDelay ?? initialDelayMs;
    const backoff = failures === 0 ? base : Math.min(maxDelayMs, base * 2 ** (failures - 1));
    onState?.('retrying', { reconnected: false });
    await sleep(failures === 0 ? backoff : backoff / 2 + (Math.random() * backoff) / 2, signal);
  }
  onState?.('closed', { reconnected: false });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
