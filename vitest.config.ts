import { defineConfig } from 'vitest/config';

/** The system tests that stop and start the machine's RabbitMQ or PostgreSQL. */
const OUTAGES = ['test/system/broker-outage.test.ts', 'test/system/database-restart.test.ts'];

/** What the system and browser tests start is compiled once before them (test/support/compiled-entry.ts). */
const COMPILE = ['test/support/compile-entries.ts'];

/** The shops (test/e2e/support/shop.ts) serve web/dist and start from a copy of one initialized data directory. */
const SHOPS = ['test/e2e/support/build-web.ts', 'test/e2e/support/shop-data-dir.ts'];

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
        test: {
          name: 'components',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/deploy/**/*.test.ts', 'bench/test/**/*.test.ts'],
          // The embedded shape's PGlite instances start from one initialized data directory.
          globalSetup: ['test/support/pglite-template.ts'],
        },
      },
      {
        // Whole services as processes, each file on a database and vhost of its own: two at a time.
        extends: true,
        test: {
          name: 'system',
          include: ['test/system/**/*.test.ts'],
          // After the component tests, before the outages: one `vitest run` keeps that order too.
          sequence: { groupOrder: 1 },
          exclude: OUTAGES,
          globalSetup: COMPILE,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // These stop the machine's broker or database, which nothing else may be using then: alone.
        extends: true,
        test: {
          name: 'outages',
          include: OUTAGES,
          sequence: { groupOrder: 2 },
          // database-restart runs `npm start`'s launcher too, which serves web/dist.
          globalSetup: [...COMPILE, ...SHOPS],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Debian's chromium against `npm start`'s whole system, each file with shops of its own,
        // two files at a time: one file alone leaves a core idle while its shop starts.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          globalSetup: [...COMPILE, ...SHOPS],
          // A page's live update waits for the saga, and two shops and browsers share the cores:
          // expect.poll's 1 s default is a race, not a limit.
          expect: { poll: { timeout: 10_000 } },
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
