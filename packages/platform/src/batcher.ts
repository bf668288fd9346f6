export interface BatcherOptions<I, O> {
  /**
   * Does the work of several calls at once (one statement, one transaction) and answers each:
   * fulfilled or rejected on its own. Throwing fails the whole batch.
   */
  many: (items: I[]) => Promise<PromiseSettledResult<O>[]>;
  /** Does the work of one call: a batch of one, and each call of a failed batch that may be done alone. */
  one: (item: I) => Promise<O>;
  /**
   * Whether the calls of a batch that failed with `error` are done again one by one (the default),
   * so that one bad call fails alone; false rejects them all with it, e.g. when the batch's outcome
   * is unknown (the connection was lost around the commit) and doing them again could do them twice.
   */
  redoAlone?: (error: unknown) => boolean;
  /** The most calls in one batch. */
  max?: number;
  /** Told each batch as it starts, a batch of one included (for a metric of batch sizes). */
  onBatch?: (items: I[]) => void;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Gathers concurrent calls into batches, so that N callers cost one round trip and one commit
 * rather than N: what arrives while a batch is running waits for the next one, and a lone call
 * goes at once, so batching adds no latency of its own (group commit, as databases do it).
 * Each caller gets its own answer.
 */
export function createBatcher<I, O>({ many, one, redoAlone = () => true, max = 100, onBatch }: BatcherOptions<I, O>): (item: I) => Promise<O> {
  const waiting: Waiting<I, O>[] = [];
  let running = false;

  async function run(batch: Waiting<I, O>[]): Promise<void> {
    onBatch?.(batch.map((w) => w.item));
    let failure: unknown;
    if (batch.length > 1) {
      try {
        const results = await many(batch.map((w) => w.item));
        if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} got ${results.length} answers`);
        batch.forEach((w, i) => {
          const result = results[i]!;
          if (result.status === 'fulfilled') w.resolve(result.value);
          else w.reject(result.reason);
        });
        return;
      } catch (error) {
        failure = error;
      }
      if (!redoAlone(failure)) {
        for (const w of batch) w.reject(failure);
        return;
      }
    }
    // Side by side: a bad call fails alone, and the others do not queue behind its timeouts.
    await Promise.all(batch.map((w) => one(w.item).then(w.resolve, w.reject)));
  }

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, max);
        try {
          await run(batch);
        } catch (error) {
          // Not expected (run answers every caller, but `redoAlone` is the caller's code): nobody in
          // the batch is left waiting forever. Rejecting an answered call does nothing.
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      running = false;
    }
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
