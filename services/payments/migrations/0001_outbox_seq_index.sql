DROP INDEX IF EXISTS "payments"."outbox_next_attempt_at_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "outbox_seq_idx" ON "payments"."outbox" USING btree ("seq");