import type { Handler } from './bus';

/**
 * A handler for the event types its queue is bound to. Any other type is a bug upstream (a wrong
 * binding, a producer's mistake): it fails alone, without reaching the handler, and so goes the
 * retry and dead-letter way.
 */
export function onlyTypes(types: readonly string[], handler: Handler): Handler {
  const known = new Set(types);
  return (event, ctx) => (known.has(event.type) ? handler(event, ctx) : Promise.reject(new Error(`${ctx.queue} does not handle ${event.type}`)));
}
