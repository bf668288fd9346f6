import { DomainError } from '@pedidos/platform/errors';

export interface OrderAdmissionOptions {
  /** How many orders wait to be confirmed or rejected, every replica's: read from the database. */
  countPending: () => Promise<number>;
  /** The backlog at which new orders wait at the door; 0 admits every order at once. */
  maxPending: number;
  /** How long a new order waits for room before it is refused (503, `Retry-After`). */
  waitMs: number;
  /** How often the backlog is read while it is near the bound or orders wait. */
  pollMs?: number;
  /** How often it is read otherwise. */
  idlePollMs?: number;
  log: { warn(obj: object, msg: string): void };
}

/** What a refused order's client is told to wait before trying again. */
const RETRY_AFTER_S = 1;

interface Waiting {
  admit(): void;
  timer: NodeJS.Timeout;
}

/**
 * Admission control for new orders. Accepting an order is cheaper than carrying it through the
 * saga (stock, payment, status), so under a load the machine cannot carry, accepting would run
 * ahead and orders would wait minutes in `pending`. Here a new order waits at the door while
 * `maxPending` orders are unsettled, and goes in as the saga settles them: the backlog, and so
 * the time from `pending` to `confirmed`, stays bounded, and a burst costs a wait before the 201
 * instead. One that finds no room within `waitMs` is refused with 503, having written nothing.
 *
 * The backlog is read from the database, so it counts every replica's orders; orders this
 * process admitted since the last read are added to it. Replicas admitting between two reads may
 * pass the bound by what each let in meanwhile: a bound, not an exact count. While the saga is
 * stopped (the broker away) the backlog fills and new orders are refused until it moves again:
 * the outbox holds at most `maxPending` orders' events.
 */
export function createOrderAdmission({ countPending, maxPending, waitMs, pollMs = 100, idlePollMs = 1000, log }: OrderAdmissionOptions) {
  /** The backlog as last read. */
  let pending = 0;
  /** Orders admitted since the read of `pending` started: not in it, or only in part. */
  let admittedSince = 0;
  const waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let reading: Promise<void> | undefined;

  const room = () => maxPending - pending - admittedSince;

  function letIn(): void {
    while (waiting.length > 0 && room() > 0) {
      const next = waiting.shift()!;
      clearTimeout(next.timer);
      admittedSince += 1;
      next.admit();
    }
  }

  async function read(): Promise<void> {
    const before = admittedSince;
    try {
      const counted = await countPending();
      pending = counted;
      // Admitted during the read: its count may not hold them yet.
      admittedSince -= before;
    } catch (error) {
      log.warn({ err: error }, 'could not read the backlog of pending orders; admitting by the last count');
    }
    letIn();
  }

  function schedule(): void {
    if (!running) return;
    const busy = waiting.length > 0 || pending + admittedSince >= maxPending / 2;
    timer = setTimeout(() => {
      reading = read().finally(() => {
        reading = undefined;
        schedule();
      });
    }, busy ? pollMs : idlePollMs);
    timer.unref();
  }

  const busy = () => new DomainError('ORDER.BUSY',
    `${maxPending} orders are waiting to be confirmed; this one found no room within ${waitMs} ms and was not placed. Try again shortly.`,
    { facts: { retryAfterS: RETRY_AFTER_S } });

  return {
    /** Resolves once the order may be placed; rejects with `ORDER.BUSY` when no room came in time. */
    admit(): Promise<void> {
      if (maxPending === 0) return Promise.resolve();
      if (waiting.length === 0 && room() > 0) {
        admittedSince += 1;
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const entry: Waiting = {
          admit: resolve,
          timer: setTimeout(() => {
            waiting.splice(waiting.indexOf(entry), 1);
            reject(busy());
          }, waitMs),
        };
        waiting.push(entry);
      });
    },

    start(): void {
      if (maxPending === 0 || running) return;
      running = true;
      reading = read().finally(() => {
        reading = undefined;
        schedule();
      });
    },

    /** Stops reading the backlog; orders still waiting go in, so that the server can finish the requests it took. */
    async stop(): Promise<void> {
      running = false;
      clearTimeout(timer);
      await reading;
      for (const entry of waiting.splice(0)) {
        clearTimeout(entry.timer);
        entry.admit();
      }
    },
  };
}

export type OrderAdmission = ReturnType<typeof createOrderAdmission>;
