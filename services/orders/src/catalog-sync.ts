import { Value } from 'typebox/value';
import { ProductList } from '@pedidos/contracts/inventory';
import type { Logger } from '@pedidos/platform/logger';
import type { OrdersService } from './orders-service';

/**
 * product.upserted events only reach a queue that exists, so a fresh deployment or a wiped
 * queue would miss the catalog: copy inventory's list once at startup, then follow the events.
 * Newest updatedAt wins on both paths, so their order does not matter.
 */
export function createCatalogSync({ inventoryUrl, service, log, fetchImpl = fetch }: { inventoryUrl: string; service: OrdersService; log: Logger; fetchImpl?: typeof fetch }) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function copyOnce(): Promise<number> {
    let cursor: string | null = null;
    let copied = 0;
    do {
      const url = new URL('/api/products', inventoryUrl);
      url.searchParams.set('limit', '100');
      if (cursor) url.searchParams.set('cursor', cursor);
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`GET ${url.pathname} answered ${response.status}`);
      const page: unknown = await response.json();
      // Checked like an event: a malformed page fails the copy (which retries) before any of its rows is written.
      if (!Value.Check(ProductList, page)) {
        const first = Value.Errors(ProductList, page)[0];
        throw new Error(`GET ${url.pathname} answered an invalid product list at "${first?.instancePath || '/'}": ${first?.message ?? 'does not match schema'}`);
      }
      for (const item of page.items) await service.upsertCatalog(item);
      copied += page.items.length;
      cursor = page.nextCursor;
    } while (cursor && !stopped);
    return copied;
  }

  /** Tries until it succeeds once, backing off up to 30 s; resolves after the first attempt. */
  async function start(): Promise<void> {
    let delay = 500;
    const attempt = async (): Promise<void> => {
      try {
        const copied = await copyOnce();
        log.info({ copied, inventoryUrl }, 'catalog copied from inventory');
      } catch (error) {
        if (stopped) return;
        log.warn({ err: error, inventoryUrl, retryInMs: delay }, 'catalog copy failed; orders for unknown SKUs are refused until it succeeds');
        timer = setTimeout(() => void attempt(), delay);
        delay = Math.min(delay * 2, 30_000);
      }
    };
    await attempt();
  }

  return {
    start,
    copyOnce,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
