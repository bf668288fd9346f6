import { defineConfig } from 'drizzle-kit';

// `npm run db:generate -w @pedidos/payments` writes a migration from src/db/schema.ts.
// Edit a new schema's `CREATE SCHEMA` to `CREATE SCHEMA IF NOT EXISTS` (see platform/db/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  schemaFilter: ['payments'],
});
