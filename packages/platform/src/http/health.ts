import { problem } from '../errors';
import type { Metrics } from '../metrics';
import type { HttpApp } from './app';
import { sendProblem } from './problem';

/** Each check resolves when its dependency answers and rejects (with a reason) when it does not. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

// Probes and scrapes are the platform's own traffic: never rate limited.
const hidden = { schema: { hide: true }, config: { rateLimit: false as const } };

export function registerOpsRoutes(
  app: HttpApp,
  opts: { readiness: ReadinessChecks; readinessTimeoutMs: number; metrics: Metrics },
): void {
  app.get('/health/live', hidden, async () => ({ status: 'ok' }));

  app.get('/health/ready', hidden, async (_request, reply) => {
    const names = Object.keys(opts.readiness);
    const results = await Promise.all(names.map((name) => probe(opts.readiness[name]!, opts.readinessTimeoutMs)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
    const failing = names.filter((name) => checks[name] !== 'ok');
    if (failing.length === 0) return { status: 'ok', checks };
    const detail = `Not ready: ${failing.map((name) => `${name} ${checks[name]}`).join('; ')}.`;
    return sendProblem(reply, problem(503, 'SERVICE.NOT_READY', detail, { title: 'Service not ready', checks }));
  });

  app.get('/metrics', hidden, async (_request, reply) => {
    const body = await opts.metrics.exposition();
    return reply.type(opts.metrics.registry.contentType).send(body);
  });
}

async function probe(check: () => Promise<void>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return `down: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
