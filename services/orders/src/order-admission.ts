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
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Told of each order refused for want of room (a metric). */
  onRefused?: () => void;
}

/** What a refused order's client is told to wait before trying again. */
const RETRY_AFTER_S = 1;

/** Given back once the admitted order is placed or refused: from then on the database's count holds it, or it never will. */
export type Release = () => void;

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
 * The backlog is read from the database, so it counts every replica's orders. To it are added
 * the orders this process admitted that are still being placed (not in any count yet) and those
 * placed since the last read began (in it or not, depending on when they committed). Replicas
 * admitting between two reads may pass the bound by what each let in meanwhile: a bound, not an
 * exact count. While the saga is stopped (the broker away) the backlog fills and new orders are
 * refused until it moves again.
 */
export function createOrderAdmission({ countPending, maxPending, waitMs, pollMs = 100, idlePollMs = 1000, log, onRefused }: OrderAdmissionOptions) {
  /** The backlog as last read. */
  let pending = 0;
  /** Admitted, not yet placed or refused. */
  let placing = 0;
  /** Placed or refused since the last completed read began. */
  let placedSince = 0;
  const waiting: Waiting[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** When the scheduled read fires. */
  let readAt = Infinity;
  let reading = false;
  let running = false;
  let stopped = false;
  let failing = false;

  const room = () => maxPending - pending - placing - placedSince;
  /** A new order goes in at once: room, and nobody ahead of it. */
  const hasRoom = () => waiting.length === 0 && room() > 0;

  function admitOne(): Release {
    placing += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      placing -= 1;
      placedSince += 1;
    };
  }

  async function read(): Promise<void> {
    reading = true;
    // Placed from here on: the count may or may not hold them, so they stay added to it.
    const placedBefore = placedSince;
    try {
      pending = await countPending();
      placedSince -= placedBefore;
      if (failing) log.info({}, 'the backlog of pending orders can be read again');
      failing = false;
    } catch (error) {
      // Once per outage. The orders admitted meanwhile stay added to the last count, so a long
      // outage ends in refusing new orders rather than in admitting without a bound.
      if (!failing) log.warn({ err: error }, 'could not read the backlog of pending orders; counting from the last read until it can');
      failing = true;
    } finally {
      reading = false;
    }
    while (waiting.length > 0 && room() > 0) {
      const next = waiting.shift()!;
      clearTimeout(next.timer);
      next.admit();
    }
    schedule();
  }

  /** The next read, `pollMs` away while orders wait or the backlog is near the bound, `idlePollMs` otherwise. */
  function schedule(): void {
    if (!running || reading) return;
    const near = waiting.length > 0 || pending + placing + placedSince >= maxPending / 2;
    const at = Date.now() + (near ? pollMs : idlePollMs);
    if (at >= readAt) return;
    clearTimeout(timer);
    readAt = at;
    timer = setTimeout(() => {
      readAt = Infinity;
      void read();
    }, at - Date.now());
    timer.unref();
  }

  const busy = () => new DomainError('ORDER.BUSY',
    `${maxPending} orders are waiting to be confirmed; this one found no room within ${waitMs} ms and was not placed. Try again shortly.`,
    { facts: { retryAfterS: RETRY_AFTER_S } });

  return {
    /** Whether a new order would wait now. */
    full: () => maxPending > 0 && !stopped && !hasRoom(),

    /**
     * Resolves once the order may be placed, with what to call once it is placed or refused;
     * rejects with `ORDER.BUSY` when no room came in time.
     */
    admit(): Promise<Release> {
      if (maxPending === 0 || stopped) return Promise.resolve(() => {});
      if (hasRoom()) {
        const release = admitOne();
        // Filling up: the next read comes sooner.
        schedule();
        return Promise.resolve(release);
      }
      return new Promise((resolve, reject) => {
        const entry: Waiting = {
          admit: () => resolve(admitOne()),
          timer: setTimeout(() => {
            waiting.splice(waiting.indexOf(entry), 1);
            onRefused?.();
            reject(busy());
          }, waitMs),
        };
        waiting.push(entry);
        schedule();
      });
    },

    /** Starts reading the backlog; resolves once it was read the first time. */
    start(): Promise<void> {
      if (maxPending === 0 || running || stopped) return Promise.resolve();
      running = true;
      return read();
    },

    /** Stops reading the backlog and admits every order from now on, those waiting first, so that the server can finish the requests it took. */
    stop(): void {
      running = false;
      stopped = true;
      clearTimeout(timer);
      for (const entry of waiting.splice(0)) {
        clearTimeout(entry.timer);
        entry.admit();
      }
    },
  };
}

export type OrderAdmission = ReturnType<typeof createOrderAdmission>;
