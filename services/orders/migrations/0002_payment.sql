ALTER TABLE "orders"."orders" ADD COLUMN "payment" jsonb;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "payment_version" integer DEFAULT 0 NOT NULL;