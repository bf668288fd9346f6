import { describe, expect, it } from 'vitest';
import { continueTrace, traceIdOf } from '../src/trace';

describe('trace context', () => {
  it('keeps the trace id and flags of a valid traceparent, with a new span id', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const next = continueTrace(incoming);
    expect(traceIdOf(next)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(next).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(next).not.toBe(incoming);
  });

  it.each([undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'])(
    'starts a new sampled trace from %j',
    (incoming) => {
      const next = continueTrace(incoming);
      expect(next).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(traceIdOf(next)).not.toBe('0'.repeat(32));
    },
  );

  it('makes a different trace id and span id every time', () => {
    const made = Array.from({ length: 10_000 }, () => continueTrace(undefined).split('-'));
    expect(new Set(made.map(([, trace]) => trace)).size).toBe(made.length);
    expect(new Set(made.map(([, , span]) => span)).size).toBe(made.length);
  });
});
