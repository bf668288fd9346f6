import { describe, expect, it } from 'vitest';
import { followEventStream, type FollowOptions } from './sse';

const headers = { 'content-type': 'text/event-stream' };
const eventStream = (text: string) => new Response(text, { status: 200, headers });

/** An event stream delivered in exactly these chunks, then ended. */
const inChunks = (chunks: string[]) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    }),
    { status: 200, headers },
  );

/** An event stream that sends nothing until its request is aborted. */
const silent = (signal: AbortSignal) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        signal.addEventListener('abort', () => controller.error(signal.reason));
      },
    }),
    { status: 200, headers },
  );

/** Follows a stream whose server gives `answers` in turn, and stops once they are used up. */
async function follow(answers: ((signal: AbortSignal) => Response)[], options: Partial<FollowOptions> = {}) {
  const controller = new AbortController();
  const requests: Headers[] = [];
  const received: string[] = [];
  const states: string[] = [];
  await followEventStream({
    url: '/api/orders/stream',
    signal: controller.signal,
    initialDelayMs: 1,
    open: async (_url, init) => {
      requests.push(new Headers(init.headers));
      const next = answers.shift();
      if (!next) {
        controller.abort();
        throw new DOMException('aborted', 'AbortError');
      }
      return next(init.signal!);
    },
    onMessage: (m) => received.push(`${m.type} ${m.id}:${m.data}`),
    onState: (state, { reconnected }) => states.push(reconnected ? `${state}*` : state),
    ...options,
  });
  return { lastEventIds: requests.map((h) => h.get('last-event-id')), requests, received, states };
}

describe('followEventStream', () => {
  it('reconnects after the stream ends, sending Last-Event-ID, and stops when aborted', async () => {
    const { lastEventIds, requests, received, states } = await follow([
      () => eventStream('event: order\nid: 1\ndata: a\n\nevent: order\nid: 2\ndata: b\n\n'),
      () => new Response('busy', { status: 503 }),
      () => eventStream('retry: 1\nid: 5\n\n'),
      () => eventStream('event: order\nid: 6\ndata: c\n\ndata: d\n\n'),
    ]);
    expect(received).toEqual(['order 1:a', 'order 2:b', 'order 6:c', 'message undefined:d']);
    // A position sent as a bare `id:` line counts too.
    expect(lastEventIds).toEqual([null, '2', '2', '5', '6']);
    expect(requests[0]!.get('accept')).toBe('text/event-stream');
    expect(states).toContain('open*');
    expect(states.at(-1)).toBe('closed');
  });

  it('starts from the last event ID it is given', async () => {
    const { lastEventIds } = await follow([() => eventStream('')], { lastEventId: '40' });
    expect(lastEventIds[0]).toBe('40');
  });

  it("waits the delay the server's retry field asks for instead of its own", async () => {
    // Were the 60 s of its own delay used, the test would time out.
    const { lastEventIds } = await follow([() => eventStream('retry: 5\nid: 3\n\n'), () => eventStream('')], { initialDelayMs: 60_000 });
    expect(lastEventIds).toEqual([null, '3', '3']);
  });

  it('resumes after the last finished block wherever the stream is split: a bare id counts, an event cut short does not', async () => {
    const text = 'id: 4\r\nevent: order\r\ndata: a\r\n\r\nid: 5\r\n\r\n: keep-alive\r\n\r\nid: 6\r\ndata: cut sh';
    for (let cut = 0; cut <= text.length; cut++) {
      const { lastEventIds, received } = await follow([() => inChunks([text.slice(0, cut), text.slice(cut)])]);
      expect(lastEventIds, `cut at ${cut}`).toEqual([null, '5']);
      expect(received, `cut at ${cut}`).toEqual(['order 4:a']);
    }
  });

  it('drops a connection that stays silent past idleTimeoutMs, and reconnects', async () => {
    const { requests, states } = await follow([(signal) => silent(signal), () => eventStream('')], { idleTimeoutMs: 20 });
    expect(requests).toHaveLength(3);
    expect(states).toContain('open*');
  });

  it('stops for good when the server answers 204', async () => {
    let calls = 0;
    await followEventStream({
      url: '/s',
      signal: new AbortController().signal,
      open: async () => {
        calls++;
        return new Response(null, { status: 204 });
      },
      onMessage: () => undefined,
    });
    expect(calls).toBe(1);
  });
});
