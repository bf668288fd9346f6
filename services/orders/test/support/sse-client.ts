import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';

/** A dispatched event; `id` is the last event ID in force when it was dispatched. */
export interface SseEvent {
  event: string;
  data: string;
  id: string;
}

/**
 * Reads a `text/event-stream` response with eventsource-parser, and lets a test await what
 * arrives instead of sleeping. Each stream has a connection of its own (no agent): fetch would,
 * after an abort, open a spare keep-alive connection that holds the server's close() until its
 * idle timeout.
 */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const request = httpRequest(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } });
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve).once('error', reject).end();
  });
  request.on('error', () => {});
  const events: SseEvent[] = [];
  /** Every `id:` that came without data: the positions the server marks. */
  const positions: string[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  let lastEventId = '';
  const changed = new Set<() => void>();
  const notify = () => changed.forEach((wake) => wake());

  let dispatched = false;
  const parser = createParser({
    onEvent: ({ event, data, id }) => {
      dispatched = true;
      if (id !== undefined) lastEventId = id;
      events.push({ event: event ?? 'message', data, id: lastEventId });
    },
    onRetry: (ms) => {
      retry = ms;
    },
    onComment: (text) => comments.push(text),
  });
  // The parser (version 3) drops a block that has an `id:` but no data, which is how the server marks
  // a position: fed one line at a time, such a block is a blank line that dispatched nothing.
  let blockId: string | undefined;
  const line = (text: string) => {
    dispatched = false;
    parser.feed(`${text}\n`);
    if (text !== '') {
      blockId = /^id(?::|$) ?(.*)/.exec(text)?.[1] ?? blockId;
      return;
    }
    if (blockId !== undefined && !dispatched) {
      lastEventId = blockId;
      positions.push(blockId);
    }
    blockId = undefined;
  };

  const ended = (async () => {
    let partial = '';
    try {
      response.setEncoding('utf8');
      for await (const chunk of response as AsyncIterable<string>) {
        const lines = (partial + chunk).split(/\r\n|\r|\n/);
        partial = lines.pop()!;
        lines.forEach(line);
        notify();
      }
    } catch {
      // Destroyed by close(), or the server cut the connection: both end the stream.
    } finally {
      notify();
    }
  })();
  let done = false;
  void ended.then(() => {
    done = true;
    notify();
  });

  /** Resolves with `check()`'s first non-undefined value, re-checked as data arrives. */
  function until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        const value = check();
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (done) {
          finish();
          reject(new Error(`stream ended before ${what}; got ${events.length} events`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${what} not within ${timeoutMs} ms; got ${events.map((e) => `${e.id}:${e.event}`).join(', ') || 'no events'}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        changed.delete(settle);
      };
      changed.add(settle);
      settle();
    });
  }

  return {
    status: response.statusCode,
    header: (name: string) => response.headers[name.toLowerCase()],
    events,
    positions,
    comments,
    get retry() {
      return retry;
    },
    get lastEventId() {
      return lastEventId;
    },
    /** The first event (already received or to come) that matches. */
    next(match: (e: SseEvent) => boolean, timeoutMs = 10_000, what = 'a matching event') {
      return until(() => events.find(match), timeoutMs, what);
    },
    /** Resolves with `check()`'s first non-undefined value, re-checked as the stream moves. */
    when: until,
    /** Resolves once the server has marked its `n`-th position (the stream is live from there). */
    positioned(n = 1, timeoutMs = 10_000) {
      return until(() => (positions.length >= n ? positions[n - 1]! : undefined), timeoutMs, `position ${n}`);
    },
    /** Resolves when the server ends the stream. */
    ended,
    close() {
      request.destroy();
      return ended;
    },
    /** Sends FIN as a leaving client does and resolves once the server closed its side: it has let the stream go by then. */
    hangUp() {
      request.socket?.end();
      return ended;
    },
  };
}

export type SseClient = Awaited<ReturnType<typeof openSse>>;
