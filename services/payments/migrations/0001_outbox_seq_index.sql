DROP INDEX "payments"."outbox_next_attempt_at_idx";--> statement-breakpoint
CREATE INDEX "outbox_seq_idx" ON "payments"."outbox" USING btree ("seq");