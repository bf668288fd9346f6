DROP INDEX "inventory"."outbox_next_attempt_at_idx";--> statement-breakpoint
CREATE INDEX "outbox_seq_idx" ON "inventory"."outbox" USING btree ("seq");