DROP INDEX IF EXISTS "inventory"."outbox_next_attempt_at_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outbox_seq_idx" ON "inventory"."outbox" USING btree ("seq");