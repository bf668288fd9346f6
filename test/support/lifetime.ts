// Here, not in @pedidos/platform/testing: only the system and browser tests share one set of
// processes across a file; the process module itself lives there.
import { afterAll, beforeAll, beforeEach } from 'vitest';

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
