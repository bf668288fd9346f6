CREATE SCHEMA IF NOT EXISTS "payments";
--> statement-breakpoint
CREATE TABLE "payments"."inbox" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "payments"."operations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"amount" bigint NOT NULL,
	"status" text NOT NULL,
	"outcome" text,
	"actor" uuid,
	"reason" text,
	"traceparent" text,
	"provider_reference" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"check_after" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payments"."outbox" (
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "payments"."outbox_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text PRIMARY KEY NOT NULL,
	"exchange" text NOT NULL,
	"event" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "payments"."payments" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid,
	"amount" bigint,
	"currency" text,
	"payment_method" text,
	"stock" text DEFAULT 'unknown' NOT NULL,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"ship_requested" boolean DEFAULT false NOT NULL,
	"status" text,
	"captured" bigint DEFAULT 0 NOT NULL,
	"refunded" bigint DEFAULT 0 NOT NULL,
	"brand" text,
	"last4" text,
	"provider" text,
	"reference" text,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "payments_money_check" CHECK ("payments"."payments"."refunded" >= 0 AND "payments"."payments"."captured" >= "payments"."payments"."refunded")
);
--> statement-breakpoint
ALTER TABLE "payments"."operations" ADD CONSTRAINT "operations_order_id_payments_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "payments"."payments"("order_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "operations_key_idx" ON "payments"."operations" USING btree ("key");--> statement-breakpoint
CREATE INDEX "operations_order_idx" ON "payments"."operations" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "operations_pending_idx" ON "payments"."operations" USING btree ("check_after") WHERE "payments"."operations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_next_attempt_at_idx" ON "payments"."outbox" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "payments_reference_idx" ON "payments"."payments" USING btree ("reference");