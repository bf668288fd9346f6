import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '@pedidos/platform/testing';
import { TEST_CARDS } from '../support/http';
import { useRealSystem } from '../support/system';

// OTLP's SpanKind numbering (api kind + 1).
const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
  links: { traceId: string; spanId: string }[];
  attributes: Record<string, unknown>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
type Nanos = string | number | { low: number; high: number };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: Nanos;
  links?: { traceId: string; spanId: string }[];
  attributes?: KeyValue[];
}

// int64 travels as a string in OTLP's JSON mapping, or as a number.
const valueOf = (v: AnyValue) => v.stringValue ?? (v.intValue === undefined ? undefined : Number(v.intValue)) ?? v.boolValue ?? v.doubleValue;
const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
const nanos = (v: Nanos) =>
  typeof v === 'object' ? (BigInt(v.high >>> 0) << 32n) + BigInt(v.low >>> 0) : BigInt(v);

/** An OTLP/HTTP receiver taking JSON exports on /v1/traces, as a collector would. */
async function otlpReceiver() {
  const spans: Span[] = [];
  const problems: string[] = [];
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer((req, res) => {
    void read(req).then((body) => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.startsWith('application/json')) {
        problems.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
        res.writeHead(404).end();
        return;
      }
      const exported = JSON.parse(body) as { resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of exported.resourceSpans) {
        const service = String(attributesOf(rs.resource.attributes)['service.name']);
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              start: nanos(s.startTimeUnixNano),
              links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
              attributes: attributesOf(s.attributes),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spansOf: (traceId: string) => spans.filter((s) => s.traceId === traceId),
    problems: () => problems,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const receiver = await otlpReceiver();
afterAll(() => receiver.close());

const SKU = 'TRACE-CAFE';
const system = useRealSystem({
  products: [{ sku: SKU, name: 'Café rastreado', price: 1500, onHand: 100 }],
  env: {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Exported within a fraction of a second, not the default five.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  },
});

/** The hops of one order, found by parentage; undefined while some are not exported yet. */
function hopsOf(spans: Span[], callerSpanId: string) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const descends = (span: Span, ancestor: Span) => {
    for (let at: Span | undefined = span; at; at = byId.get(at.parentSpanId)) if (at.spanId === ancestor.spanId) return true;
    return false;
  };
  const find = (where: Partial<Pick<Span, 'service' | 'name' | 'kind'>>, test: (s: Span) => boolean) =>
    spans.find((s) => (Object.keys(where) as (keyof typeof where)[]).every((k) => s[k] === where[k]) && test(s));
  const key = (s: Span) => String(s.attributes['messaging.rabbitmq.destination.routing_key']);

  const accept = find({ service: 'orders', name: 'POST /api/orders', kind: SERVER }, (s) => s.parentSpanId === callerSpanId);
  if (!accept) return undefined;
  const orderCreated = find({ service: 'orders', name: 'orders.events publish', kind: PRODUCER }, (s) => s.parentSpanId === accept.spanId && key(s) === 'order.created');
  if (!orderCreated) return undefined;
  const reservation = find({ service: 'inventory', name: 'novos_pedidos process', kind: CONSUMER }, (s) => s.parentSpanId === orderCreated.spanId);
  if (!reservation) return undefined;
  const stock = find({ service: 'inventory', name: 'inventory.events publish', kind: PRODUCER }, (s) => descends(s, reservation) && key(s).startsWith('stock.'));
  if (!stock) return undefined;
  const stockFact = find({ service: 'payments', name: 'payments.order-facts process', kind: CONSUMER }, (s) => s.parentSpanId === stock.spanId);
  if (!stockFact) return undefined;
  // The payment starts on whichever fact completed what it waited for: the last one recorded.
  const payment = find({ service: 'payments', name: 'payments.events publish', kind: PRODUCER }, (s) => key(s).startsWith('payment.'));
  if (!payment) return undefined;
  const paymentFact = spans.find((s) => s.service === 'payments' && s.name === 'payments.order-facts process' && descends(payment, s));
  if (!paymentFact) return undefined;
  // The card provider is called over HTTP for the fact that completed what the payment waited for: its child.
  const providerCall = find({ service: 'payments', kind: CLIENT }, (s) => s.parentSpanId === paymentFact.spanId);
  if (!providerCall) return undefined;
  const statusChange = find({ service: 'orders', name: 'orders.payment-updates process', kind: CONSUMER }, (s) => s.parentSpanId === payment.spanId);
  if (!statusChange) return undefined;
  const confirmed = find({ service: 'orders', name: 'order confirmed', kind: INTERNAL }, (s) => s.parentSpanId === statusChange.spanId);
  if (!confirmed) return undefined;
  // Every parent is in the trace: no event points at a span that was never exported.
  if (spans.some((s) => s.spanId !== accept.spanId && s.parentSpanId !== '' && !byId.has(s.parentSpanId))) return undefined;
  return { accept, orderCreated, reservation, stock, stockFact, paymentFact, providerCall, payment, statusChange, confirmed };
}

describe('OpenTelemetry traces', () => {
  it('one order is one trace: accepted by orders, reserved by inventory, paid by payments, confirmed by orders, hop by hop', async () => {
    const { ordersApi } = system();
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const order = await ordersApi.placeOrder([{ sku: SKU, quantity: 1 }], { traceparent: `00-${traceId}-${callerSpanId}-01` }, TEST_CARDS.visa);
    expect((await ordersApi.waitForStatus(order.id, ['confirmed', 'rejected'])).status).toBe('confirmed');

    const hops = await eventually(async () => hopsOf(receiver.spansOf(traceId), callerSpanId), 30_000, 'every hop of the order exported');
    const spans = receiver.spansOf(traceId);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['orders', 'inventory', 'payments']));

    const chain = [hops.accept, hops.orderCreated, hops.reservation, hops.stock, hops.stockFact, hops.providerCall, hops.payment, hops.statusChange, hops.confirmed];
    for (const [earlier, later] of chain.slice(0, -1).map((s, i) => [s, chain[i + 1]!] as const)) {
      expect(later.start, `${later.name} (${later.service}) starts after ${earlier.name} (${earlier.service})`).toBeGreaterThanOrEqual(earlier.start);
    }
    expect(hops.accept.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/orders', 'http.response.status_code': 201 });
    expect(hops.providerCall.attributes).toMatchObject({ 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    expect(hops.confirmed.attributes).toMatchObject({ 'pedidos.order.id': order.id, 'pedidos.order.status.previous': 'pending', 'pedidos.order.status': 'confirmed' });
    // The back office shows the order's trace.
    expect((await ordersApi.activity(order.id)).traceId).toBe(traceId);

    // Each message hop: the consumer's span is the producer's child and carries a link to it.
    for (const [producer, consumer] of [[hops.orderCreated, hops.reservation], [hops.stock, hops.stockFact], [hops.payment, hops.statusChange]] as const) {
      expect(consumer.parentSpanId).toBe(producer.spanId);
      expect(consumer.links).toContainEqual({ traceId, spanId: producer.spanId });
      expect(consumer.attributes).toMatchObject({
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.message.id': producer.attributes['messaging.message.id'],
      });
      expect(producer.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send' });
    }
    expect(hops.reservation.attributes['messaging.destination.name']).toBe('novos_pedidos');
    expect(hops.orderCreated.attributes['messaging.destination.name']).toBe('orders.events');
    expect(receiver.problems()).toEqual([]);
  });
});
