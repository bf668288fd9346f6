export interface BatcherOptions<I, O> {
  /**
   * Does the work of several calls at once (one statement, one transaction) and answers each:
   * fulfilled or rejected on its own. Throwing fails the whole batch, which is then done call by call.
   */
  many: (items: I[]) => Promise<PromiseSettledResult<O>[]>;
  /** Does the work of one call: a batch of one, and each call of a failed batch. */
  one: (item: I) => Promise<O>;
  /** The most calls in one batch. */
  max?: number;
}

/**
 * Gathers concurrent calls into batches, so that N callers cost one round trip and one commit
 * rather than N: what arrives while a batch is running waits for the next one, and a lone call
 * goes at once, so batching adds no latency of its own (group commit, as databases do it).
 * Each caller gets its own answer. A batch that fails as a whole is done again call by call, so
 * one bad call fails alone (`many` must have written nothing when it throws: one transaction).
 */
export function createBatcher<I, O>({ many, one, max = 100 }: BatcherOptions<I, O>): (item: I) => Promise<O> {
  const waiting: { item: I; resolve(value: O): void; reject(error: unknown): void }[] = [];
  let running = false;

  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, max);
      if (batch.length > 1) {
        const results = await many(batch.map((w) => w.item)).catch(() => undefined);
        if (results) {
          batch.forEach((w, i) => {
            const result = results[i]!;
            if (result.status === 'fulfilled') w.resolve(result.value);
            else w.reject(result.reason);
          });
          continue;
        }
        // Something in the batch failed it: each call is done alone below and answers for itself.
      }
      for (const w of batch) await one(w.item).then(w.resolve, w.reject);
    }
    running = false;
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (running) return;
      running = true;
      // The calls made in this same turn of the event loop join the first batch.
      setImmediate(() => void drain());
    });
}
