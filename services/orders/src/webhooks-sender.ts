import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { errorSummary } from '@pedidos/platform/error-summary';
import { checkedAddresses } from './webhooks-address-guard';
import { webhookSignature } from './webhooks-signature';

/** The most of an answer read: the status is what counts, and a receiver must not make us buffer it all. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookRequest {
  url: string;
  secret: string;
  /** The CloudEvent id: the receiver's idempotency key, the same on every retry. */
  id: string;
  body: string;
}

export interface WebhookOutcome {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** delivered: 2xx; retry: 5xx, 408, 429, timeouts, connection errors; failed: anything else. */
  verdict: 'delivered' | 'retry' | 'failed';
}

const verdictOf = (status: number): WebhookOutcome['verdict'] =>
  status >= 200 && status < 300 ? 'delivered' : status >= 500 || status === 408 || status === 429 ? 'retry' : 'failed';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Sends signed deliveries. Each connection goes to the addresses checked a moment before it
 * opens (the agent's own lookup), so a name that resolved to a public address at registration
 * cannot be pointed at a private one later (DNS rebinding).
 */
export function createWebhookSender({ timeoutMs, allowPrivate, now = () => Date.now() }: { timeoutMs: number; allowPrivate: boolean; now?: () => number }) {
  const guardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    checkedAddresses(hostname, allowPrivate).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (error: Error) => callback(Object.assign(error, { code: 'EWEBHOOKADDRESS' }), ''),
    );
  };
  const agent = new Agent({ connect: { lookup: guardedLookup, timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });

  async function send({ url, secret, id, body }: WebhookRequest): Promise<WebhookOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const timestamp = Math.floor(now() / 1000);
    try {
      // An IP literal opens its connection without a lookup: checked here instead.
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(host) !== 0) await checkedAddresses(host, allowPrivate);
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'pedidos-webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': webhookSignature(secret, id, timestamp, body),
        },
        body,
      });
      let read = 0;
      for await (const chunk of response.body) {
        read += (chunk as Buffer).length;
        if (read >= MAX_RESPONSE_BYTES) break;
      }
      if (read >= MAX_RESPONSE_BYTES) response.body.destroy();
      const verdict = verdictOf(response.statusCode);
      return { statusCode: response.statusCode, durationMs: elapsed(), error: verdict === 'delivered' ? null : `HTTP ${response.statusCode}`, verdict };
    } catch (error) {
      return { statusCode: null, durationMs: elapsed(), error: errorSummary(error).slice(0, 500), verdict: 'retry' };
    }
  }

  return { send, close: () => agent.close() };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
