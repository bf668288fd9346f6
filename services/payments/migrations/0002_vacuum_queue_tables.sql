-- Tables whose rows turn over as orders flow: an outbox row is deleted moments after it is
-- written, and an order or a payment is updated as it moves on (a new version in every index).
-- Their dead versions stay in the indexes until vacuum, and the outbox relay's claim and the
-- lookups of pending work walk through them. With PostgreSQL's default (vacuum once a fifth of
-- the table is dead) those get slower as the shop grows; vacuum after a fixed number instead.
ALTER TABLE "payments"."outbox" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);--> statement-breakpoint
ALTER TABLE "payments"."payments" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);--> statement-breakpoint
ALTER TABLE "payments"."operations" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
