DROP INDEX IF EXISTS "orders"."outbox_next_attempt_at_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outbox_seq_idx" ON "orders"."outbox" USING btree ("seq");