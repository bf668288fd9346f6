CREATE TABLE "orders"."order_notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"author" uuid NOT NULL,
	"author_name" text,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders"."order_history" ADD COLUMN "actor_name" text;--> statement-breakpoint
ALTER TABLE "orders"."order_history" ADD COLUMN "shortages" jsonb;--> statement-breakpoint
ALTER TABLE "orders"."order_notes" ADD CONSTRAINT "order_notes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_notes_order_idx" ON "orders"."order_notes" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "orders_created_at_idx" ON "orders"."orders" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "orders_total_number_idx" ON "orders"."orders" USING btree ("total","number");--> statement-breakpoint
CREATE INDEX "orders_customer_sort_idx" ON "orders"."orders" USING btree (lower(coalesce("customer_name", '')),lower(coalesce("customer_email", '')),"number");