/** One Server-Sent Event as the wire carries it. */
export interface StreamEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads a `text/event-stream` body as it arrives. `next(match)` resolves with the first event
 * (after those already taken) that `match` accepts, or fails after `timeoutMs`.
 */
export function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const events: StreamEvent[] = [];
  let taken = 0;
  let buffer = '';
  let ended = false;
  let wake: (() => void) | undefined;

  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: StreamEvent = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon === 0) continue;
            const field = colon === -1 ? line : line.slice(0, colon);
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') event.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'id') event.id = value;
          }
          if (data.length === 0) continue;
          event.data = data.join('\n');
          events.push(event);
        }
        wake?.();
      }
    } catch {
      // Cancelled or cut: `ended` reports it to whoever waits.
    } finally {
      ended = true;
      wake?.();
    }
  })();

  return {
    get ended() {
      return ended;
    },
    async next(match: (event: StreamEvent) => boolean = () => true, timeoutMs = 15_000): Promise<StreamEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (taken < events.length) {
          const event = events[taken++]!;
          if (match(event)) return event;
        }
        if (ended) throw new Error('the event stream ended before the event came');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    /** Resolves once the stream has ended (the server closed it, or it was cancelled). */
    async closed(timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!ended) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the event stream was still open after ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}
