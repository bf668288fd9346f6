-- What the inventory service asks of PostgreSQL to reserve one order of two lines (onOrderFact →
-- reserve): the inbox row, the per-order advisory lock, the reservation lookup, both products
-- locked in SKU order, per line the guarded UPDATE and its movement row, the reservation and the
-- stock.reserved event. Stock never runs out (bench/pgbench/seed.sql), as in the bench.
\set s1 random(10, 28)
\set s2 :s1 + random(1, 29 - :s1)
\set q1 random(1, 3)
\set q2 random(1, 3)
BEGIN;
INSERT INTO inventory.inbox (consumer, event_id) VALUES ('novos_pedidos', gen_random_uuid()::text)
  ON CONFLICT DO NOTHING RETURNING event_id, gen_random_uuid() AS order_id \gset e_
SELECT pg_advisory_xact_lock(hashtext(:e_order_id));
SELECT order_id, status, items, updated_at FROM inventory.reservations WHERE order_id = :e_order_id;
SELECT sku, name, price, currency, on_hand, reserved, updated_at FROM inventory.products
  WHERE sku IN ('BENCH-' || :s1, 'BENCH-' || :s2) ORDER BY sku FOR UPDATE;
UPDATE inventory.products SET reserved = reserved + :q1, updated_at = now()
  WHERE sku = 'BENCH-' || :s1 AND on_hand - reserved >= :q1
  RETURNING sku, name, price, currency, on_hand, reserved, updated_at \gset p1_
INSERT INTO inventory.movements (sku, kind, quantity, order_id, reason, actor, on_hand, reserved, at)
  VALUES (:p1_sku, 'reservation', :q1, :e_order_id, NULL, NULL, :p1_on_hand, :p1_reserved, now());
UPDATE inventory.products SET reserved = reserved + :q2, updated_at = now()
  WHERE sku = 'BENCH-' || :s2 AND on_hand - reserved >= :q2
  RETURNING sku, name, price, currency, on_hand, reserved, updated_at \gset p2_
INSERT INTO inventory.movements (sku, kind, quantity, order_id, reason, actor, on_hand, reserved, at)
  VALUES (:p2_sku, 'reservation', :q2, :e_order_id, NULL, NULL, :p2_on_hand, :p2_reserved, now());
INSERT INTO inventory.reservations (order_id, status, items, updated_at)
  VALUES (:e_order_id, 'reserved', jsonb_build_array(
    jsonb_build_object('sku', 'BENCH-' || :s1, 'quantity', :q1::int),
    jsonb_build_object('sku', 'BENCH-' || :s2, 'quantity', :q2::int)), now());
INSERT INTO inventory.outbox (id, exchange, event) VALUES
  (gen_random_uuid()::text, 'inventory.events', jsonb_build_object(
    'specversion', '1.0', 'id', gen_random_uuid(), 'source', '/services/inventory', 'type', 'stock.reserved', 'time', now(),
    'datacontenttype', 'application/json', 'subject', :e_order_id::text, 'traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'data', jsonb_build_object('orderId', :e_order_id::text, 'items', jsonb_build_array(
      jsonb_build_object('sku', 'BENCH-' || :s1, 'quantity', :q1::int),
      jsonb_build_object('sku', 'BENCH-' || :s2, 'quantity', :q2::int)))));
COMMIT;
