import { request as httpRequest, type IncomingMessage } from 'node:http';

/** A dispatched event; `id` is the last event ID in force when it was dispatched. */
export interface SseEvent {
  event: string;
  data: string;
  id: string;
}

/**
 * Reads a `text/event-stream` response as the HTML standard parses it, and lets a test await what
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

  let data: string[] = [];
  let type = '';
  let idSeen = false;
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) events.push({ event: type || 'message', data: data.join('\n'), id: lastEventId });
      else if (idSeen) positions.push(lastEventId);
      data = [];
      type = '';
      idSeen = false;
      return;
    }
    if (text.startsWith(':')) {
      comments.push(text.slice(1).trimStart());
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id') {
      lastEventId = value;
      idSeen = true;
    } else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  };

  const ended = (async () => {
    let buffer = '';
    try {
      response.setEncoding('utf8');
      for await (const chunk of response as AsyncIterable<string>) {
        buffer += chunk;
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop()!;
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
