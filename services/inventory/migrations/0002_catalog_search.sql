-- Generated and stored: adding the column computes it for every row already there, and the
-- database keeps it in step with "name" on every insert and update after (searchKey, src/db/schema.ts).
ALTER TABLE "inventory"."products" ADD COLUMN "search_name" text GENERATED ALWAYS AS (lower(regexp_replace(normalize("name", NFKD), '[\u0300-\u036f]', '', 'g'))) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "products_search_name_idx" ON "inventory"."products" USING btree ("search_name" COLLATE "C","sku" COLLATE "C");