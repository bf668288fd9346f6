import { EventSourceParserStream } from 'eventsource-parser/stream';

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
  const reader = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  const events: StreamEvent[] = [];
  let taken = 0;
  let ended = false;
  let wake: (() => void) | undefined;

  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        events.push({ event: value.event ?? 'message', data: value.data, id: value.id });
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
