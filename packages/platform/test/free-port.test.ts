import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { freePort, portSlice } from '../src/testing/process';

describe('freePort', () => {
  it('gives ports outside the range the OS hands out for outgoing connections, skipping one that is taken', async () => {
    const first = await freePort();
    // The next one it would try, held by someone else.
    const holder = createServer().listen(first + 1, '127.0.0.1');
    await once(holder, 'listening');
    try {
      const second = await freePort();
      expect(second).not.toBe(first + 1);
      expect(second).not.toBe(first);
      // From this worker's own slice, below the range the OS hands out.
      const slice = portSlice(process.env.VITEST_POOL_ID, process.pid);
      for (const port of [first, second]) {
        expect(port).toBeGreaterThanOrEqual(slice);
        expect(port).toBeLessThan(slice + 500);
        expect(port).toBeLessThan(32_768);
      }
    } finally {
      holder.close();
    }
  });

  it('gives test workers running at once slices of their own, whatever their process ids', () => {
    // Two files side by side run in workers 1 and 2; their process ids may fall in one slice.
    expect(portSlice('1', 100)).not.toBe(portSlice('2', 125));
    expect(portSlice('2', 7)).toBe(portSlice('2', 8));
    // Outside vitest, the process id picks it.
    expect(portSlice(undefined, 1)).not.toBe(portSlice(undefined, 2));
  });
});
