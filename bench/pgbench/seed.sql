-- The 20 products the pgbench scripts order, in both services' schemas; stock no run can exhaust.
INSERT INTO orders.catalog (sku, name, price, currency, updated_at)
  SELECT 'BENCH-' || i, 'Bench product ' || i, 1000 + 10 * i, 'BRL', now() FROM generate_series(10, 29) AS i;
INSERT INTO inventory.products (sku, name, price, currency, on_hand, reserved, updated_at)
  SELECT 'BENCH-' || i, 'Bench product ' || i, 1000 + 10 * i, 'BRL', 1000000000, 0, now() FROM generate_series(10, 29) AS i;
