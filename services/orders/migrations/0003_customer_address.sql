ALTER TABLE "orders"."orders" ADD COLUMN "customer_name" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "customer_email" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "shipping_address" jsonb;