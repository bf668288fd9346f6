-- What accepting one order of two lines asks of PostgreSQL, as services/orders does it
-- (placeOrder → catalogEntries, then insertOrder in services/orders/src/db/insert-order.ts):
-- the catalog read, then one statement, its own transaction, writing the order (its number from
-- the sequence), both lines, the first history row and the order.created and order.status-changed
-- events in the outbox; no Idempotency-Key, as the bench sends none. Keep it in step with the service.
-- The products are BENCH-10 … BENCH-29 (seed.sql). Run by `npm run bench` as
-- `pgbench -n -M extended -f accept.sql`.
\set s1 random(10, 28)
\set s2 :s1 + random(1, 29 - :s1)
\set q1 random(1, 3)
\set q2 random(1, 3)
SELECT sku, name, price, currency, updated_at FROM orders.catalog WHERE sku = ANY(ARRAY['BENCH-' || :s1, 'BENCH-' || :s2]);
WITH ids AS (
  SELECT gen_random_uuid() AS id, '00000000-0000-4000-8000-0000000000be'::uuid AS customer_id, now() AS at,
    :q1 * (1000 + 10 * :s1) + :q2 * (1000 + 10 * :s2) AS total
), kept AS (
  INSERT INTO orders.idempotency_keys (customer_id, key, request_hash, order_id, created_at)
  SELECT customer_id, NULL::text, NULL::text, id, at FROM ids WHERE NULL::text IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
), placed AS (
  INSERT INTO orders.orders (id, number, customer_id, status, total, currency, note, created_at, updated_at)
  SELECT id, nextval('orders.order_number_seq'), customer_id, 'pending', total, 'BRL', NULL, at, at FROM ids
  WHERE NULL::text IS NULL OR EXISTS (SELECT 1 FROM kept)
  RETURNING id, number, customer_id, total, created_at
), lines AS (
  INSERT INTO orders.order_items (order_id, line, sku, name, quantity, unit_price)
  SELECT placed.id, l.ord - 1, l.sku, l.name, l.quantity, l.unit_price
  FROM placed, unnest(ARRAY['BENCH-' || :s1, 'BENCH-' || :s2], ARRAY['Bench product ' || :s1, 'Bench product ' || :s2],
    ARRAY[:q1, :q2]::int[], ARRAY[1000 + 10 * :s1, 1000 + 10 * :s2]::bigint[]) WITH ORDINALITY AS l(sku, name, quantity, unit_price, ord)
), first AS (
  INSERT INTO orders.order_history (order_id, status, reason, actor, at)
  SELECT id, 'pending', NULL, customer_id, created_at FROM placed
  RETURNING id
), events AS (
  INSERT INTO orders.outbox (id, exchange, event)
  SELECT e.id, 'orders.events', e.event FROM placed, first, LATERAL (VALUES
    (1, gen_random_uuid()::text, jsonb_build_object(
      'specversion', '1.0', 'id', gen_random_uuid(), 'source', '/services/orders', 'type', 'order.created', 'time', placed.created_at,
      'datacontenttype', 'application/json', 'subject', placed.id, 'traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'data', jsonb_build_object(
        'orderId', placed.id, 'number', placed.number, 'customerId', placed.customer_id,
        'items', jsonb_build_array(
          jsonb_build_object('sku', 'BENCH-' || :s1, 'quantity', :q1::int, 'unitPrice', 1000 + 10 * :s1),
          jsonb_build_object('sku', 'BENCH-' || :s2, 'quantity', :q2::int, 'unitPrice', 1000 + 10 * :s2)),
        'total', placed.total, 'currency', 'BRL', 'createdAt', placed.created_at))),
    (2, gen_random_uuid()::text, jsonb_build_object(
      'specversion', '1.0', 'id', gen_random_uuid(), 'source', '/services/orders', 'type', 'order.status-changed', 'time', placed.created_at,
      'datacontenttype', 'application/json', 'subject', placed.id, 'traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'data', jsonb_build_object(
        'orderId', placed.id, 'historyId', first.id,
        'order', jsonb_build_object(
          'id', placed.id, 'number', placed.number, 'customerId', placed.customer_id, 'status', 'pending',
          'items', jsonb_build_array(
            jsonb_build_object('sku', 'BENCH-' || :s1, 'name', 'Bench product ' || :s1, 'quantity', :q1::int, 'unitPrice', 1000 + 10 * :s1),
            jsonb_build_object('sku', 'BENCH-' || :s2, 'name', 'Bench product ' || :s2, 'quantity', :q2::int, 'unitPrice', 1000 + 10 * :s2)),
          'total', placed.total, 'currency', 'BRL', 'note', NULL, 'createdAt', placed.created_at, 'updatedAt', placed.created_at,
          'history', jsonb_build_array(jsonb_build_object('status', 'pending', 'at', placed.created_at, 'reason', NULL, 'actor', placed.customer_id))))))
  ) AS e(position, id, event)
  ORDER BY e.position
)
SELECT placed.number, first.id AS history_id FROM placed, first;
