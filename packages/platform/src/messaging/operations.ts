import { deadLetterQueue, type Bus } from './bus';
import type { OutboxRelay } from './outbox';

/** The outbox lag and the dead letters of a service's queues, for its operators' dashboard. */
export async function operationsReport(relay: Pick<OutboxRelay, 'stats'>, bus: Pick<Bus, 'queueDepth'>, queues: readonly string[]) {
  const [outbox, depths] = await Promise.all([relay.stats(), Promise.all(queues.map((q) => bus.queueDepth(deadLetterQueue(q))))]);
  return { outbox, deadLetters: Object.fromEntries(queues.map((q, i) => [q, depths[i]!])) };
}
