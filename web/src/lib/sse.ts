/** One dispatched Server-Sent Event. `id` is the last event ID seen so far (it persists across events). */
export interface SseMessage {
  type: string;
  data: string;
  id: string;
}

export interface SseParserHandlers {
  onMessage: (message: SseMessage) => void;
  /** The server's `retry:` field: the reconnection delay it asks for, in ms. */
  onRetry?: (ms: number) => void;
}

/**
 * The event-stream parser of the HTML standard (§9.2.6), fed decoded text in chunks that may be
 * split anywhere, even between the CR and LF of one line ending.
 */
export function createSseParser({ onMessage, onRetry }: SseParserHandlers) {
  let buffer = '';
  let skipLeadingLf = false;
  let atStart = true;
  let data: string[] = [];
  let type = '';
  let lastId = '';

  function dispatch() {
    if (data.length > 0) onMessage({ type: type || 'message', data: data.join('\n'), id: lastId });
    data = [];
    type = '';
  }

  function line(text: string) {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        type = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) onRetry?.(Number(value));
        break;
    }
  }

  return {
    push(chunk: string) {
      if (chunk === '') return;
      if (atStart) {
        atStart = false;
        if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
      }
      if (skipLeadingLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
      skipLeadingLf = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const char = buffer[i];
        if (char !== '\r' && char !== '\n') continue;
        line(buffer.slice(start, i));
        if (char === '\r') {
          if (i + 1 === buffer.length) skipLeadingLf = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    /** The last event ID received, for `Last-Event-ID` on reconnection. */
    get lastEventId() {
      return lastId;
    },
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
    let parser: ReturnType<typeof createSseParser> | undefined;
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
      parser = createSseParser({
        onMessage,
        onRetry: (ms) => {
          serverDelay = ms;
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        watchdog();
        parser.push(value);
      }
    } catch {
      failures++;
    } finally {
      // Includes positions sent as an `id:` line without data, however the connection ended.
      if (parser?.lastEventId) lastEventId = parser.lastEventId;
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
