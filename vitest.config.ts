import { defineConfig } from 'vitest/config';

// Two cores: two test files at a time. Integration tests talk to the machine's
// PostgreSQL and RabbitMQ, each file in its own database and vhost.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
