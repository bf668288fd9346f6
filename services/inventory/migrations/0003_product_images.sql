-- Images in the database, not on disk: every replica (and the embedded PGlite shape) reads the same ones.
-- products.image_hash repeats product_images.hash, written in the same transaction (src/db/schema.ts).
CREATE TABLE "inventory"."product_images" (
	"sku" text PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"bytes" bytea NOT NULL,
	"hash" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory"."products" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "inventory"."products" ADD COLUMN "image_hash" text;--> statement-breakpoint
ALTER TABLE "inventory"."product_images" ADD CONSTRAINT "product_images_sku_products_sku_fk" FOREIGN KEY ("sku") REFERENCES "inventory"."products"("sku") ON DELETE no action ON UPDATE no action;