import { describe, expect, it } from 'vitest';
import { createSseParser, followEventStream, type SseMessage } from './sse';

function parse(chunks: string[]) {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const parser = createSseParser({ onMessage: (m) => messages.push(m), onRetry: (ms) => retries.push(ms) });
  for (const chunk of chunks) parser.push(chunk);
  return { messages, retries, lastEventId: parser.lastEventId };
}

const order = (status: string) => JSON.stringify({ id: 'a1', status, history: [] });
const stream = [
  ': connected\n\n',
  `event: order\nid: 41\ndata: ${order('pending')}\n\n`,
  ':heartbeat\n\n',
  `event: order\r\nid: 42\r\ndata: ${order('confirmed')}\r\n\r\n`,
  'event: order\rid: 43\rdata: first line\rdata: second line\r\r',
].join('');

describe('SSE parser', () => {
  it('dispatches named events with their data and ids, whatever the line endings', () => {
    const { messages, lastEventId } = parse([stream]);
    expect(messages).toEqual([
      { type: 'order', id: '41', data: order('pending') },
      { type: 'order', id: '42', data: order('confirmed') },
      { type: 'order', id: '43', data: 'first line\nsecond line' },
    ]);
    expect(lastEventId).toBe('43');
  });

  it('gives the same events when the stream is split at any position, even inside a CRLF', () => {
    const whole = parse([stream]).messages;
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(parse([stream.slice(0, cut), stream.slice(cut)]).messages, `cut at ${cut}`).toEqual(whole);
    }
    expect(parse([...stream]).messages).toEqual(whole);
  });

  it('treats a CR at the end of a chunk and an LF at the start of the next as one line ending', () => {
    const { messages } = parse(['data: a\r', '\ndata: b\r', '\n\r', '\n']);
    expect(messages).toEqual([{ type: 'message', id: '', data: 'a\nb' }]);
  });

  it('ignores comment lines such as heartbeats, and blank lines with no data', () => {
    expect(parse([': ping\n\n', ':\n\n', '\n\n\n']).messages).toEqual([]);
  });

  it('joins multi-line data with newlines and strips one leading space only', () => {
    const { messages } = parse(['data:  indented\ndata\ndata:{"a":1}\n\n']);
    expect(messages).toEqual([{ type: 'message', id: '', data: ' indented\n\n{"a":1}' }]);
  });

  it('keeps the last id for later events, and ignores an id containing NUL', () => {
    const { messages, lastEventId } = parse(['id: 7\ndata: x\n\n', 'data: y\n\n', 'id: 8\0\ndata: z\n\n']);
    expect(messages.map((m) => m.id)).toEqual(['7', '7', '7']);
    expect(lastEventId).toBe('7');
  });

  it('remembers an id sent without data, without dispatching anything', () => {
    const { messages, lastEventId } = parse(['id: 99\n\n']);
    expect(messages).toEqual([]);
    expect(lastEventId).toBe('99');
  });

  it('resets the event type after each dispatch', () => {
    const { messages } = parse(['event: order\ndata: 1\n\ndata: 2\n\n']);
    expect(messages.map((m) => m.type)).toEqual(['order', 'message']);
  });

  it('does not dispatch an event the stream ended in the middle of', () => {
    expect(parse(['data: complete\n\ndata: cut short\n']).messages).toEqual([{ type: 'message', id: '', data: 'complete' }]);
  });

  it('reads retry only when it is all digits, and strips a leading byte order mark', () => {
    const { messages, retries } = parse(['\uFEFFretry: 2500\nretry: soon\ndata: ok\n\n']);
    expect(retries).toEqual([2500]);
    expect(messages).toEqual([{ type: 'message', id: '', data: 'ok' }]);
  });
});

const eventStream = (text: string) =>
  new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });

describe('followEventStream', () => {
  it('reconnects after the stream ends, sending Last-Event-ID, and stops when aborted', async () => {
    const controller = new AbortController();
    const seen: Headers[] = [];
    const received: string[] = [];
    const states: string[] = [];
    const answers = [
      () => eventStream('event: order\nid: 1\ndata: a\n\nevent: order\nid: 2\ndata: b\n\n'),
      () => new Response('busy', { status: 503 }),
      () => eventStream('retry: 1\nid: 5\n\n'),
      () => eventStream('event: order\nid: 6\ndata: c\n\n'),
    ];
    await followEventStream({
      url: '/api/orders/stream',
      signal: controller.signal,
      initialDelayMs: 1,
      open: async (_url, init) => {
        seen.push(new Headers(init.headers));
        const next = answers.shift();
        if (!next) {
          controller.abort();
          throw new DOMException('aborted', 'AbortError');
        }
        return next();
      },
      onMessage: (m) => received.push(`${m.id}:${m.data}`),
      onState: (state, { reconnected }) => states.push(reconnected ? `${state}*` : state),
    });
    expect(received).toEqual(['1:a', '2:b', '6:c']);
    // A position sent as a bare `id:` line counts too.
    expect(seen.map((h) => h.get('last-event-id'))).toEqual([null, '2', '2', '5', '6']);
    expect(seen[0]!.get('accept')).toBe('text/event-stream');
    expect(states).toContain('open*');
    expect(states.at(-1)).toBe('closed');
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
