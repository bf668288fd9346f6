import { defineConfig } from 'vitest/config';

// Two cores: two test files at a time. Every integration test talks to the machine's
// PostgreSQL and RabbitMQ in a database and vhost of its own.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // The web app's component tests, in jsdom, with its own Vite config.
      'web/vitest.config.ts',
      {
        extends: true,
        test: { name: 'components', include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/deploy/**/*.test.ts', 'bench/test/**/*.test.ts'] },
      },
      {
        // Whole services as processes; some stop the broker, so these files run one at a time.
        extends: true,
        test: {
          name: 'system',
          include: ['test/system/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Debian's chromium against `npm start`'s whole system, one file at a time.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
