import { afterAll, beforeAll, beforeEach } from 'vitest';

/**
 * Polls `<baseUrl>/health/ready` until it answers 200; fails at once if `running()` turns false,
 * or after `timeoutMs` with the last answer seen.
 */
export async function waitReady(baseUrl: string, running: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!running()) throw new Error('the process exited');
    try {
      const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${baseUrl}/health/ready not 200 within ${timeoutMs} ms (last: ${last})`);
}

/**
 * Something one test file shares (a system, a shop): started in beforeAll, stopped in afterAll
 * whatever happened, and its output printed under any failing test.
 */
export function useForFile<T extends { stop(): Promise<unknown>; output(): string }>(start: () => Promise<T>, name: string): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    await started?.stop();
  });
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      if (started) console.error(`${name} output:\n${started.output()}`);
    });
  });
  return () => {
    if (!started) throw new Error(`the ${name} did not start`);
    return started;
  };
}
