DROP INDEX "orders"."outbox_next_attempt_at_idx";--> statement-breakpoint
CREATE INDEX "outbox_seq_idx" ON "orders"."outbox" USING btree ("seq");