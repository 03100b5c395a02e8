import { defineConfig } from 'vitest/config';

/**
 * `npm test`: unit tests of the pure core and HTTP integration tests of the server on a real
 * database (PGlite in memory by default; PostgreSQL when DATABASE_URL is set).
 * Browser tests live in vitest.e2e.config.ts (`npm run test:e2e`).
 */
export default defineConfig({
  test: {
    // Both cores (the default leaves one idle on a 2-core machine): the databases and apps of
    // two files run side by side.
    maxWorkers: 2,
    projects: [
      {
        resolve: { conditions: ['source'] },
        test: {
          name: 'core',
          root: 'packages/core',
          include: ['src/**/*.test.ts'],
          // Property tests take seconds of CPU; beside a server file on the other core, twice that.
          testTimeout: 30_000,
        },
      },
      // The web app's pure modules (offline queue, formatting…), with its own config.
      'apps/web/vitest.config.ts',
      {
        resolve: { conditions: ['source'] },
        ssr: { resolve: { conditions: ['source'] } },
        test: {
          name: 'server',
          root: 'apps/server',
          globalSetup: ['src/test/global-setup.ts'],
          include: ['src/**/*.test.ts'],
          // The files share their workers' module graph (no mocks anywhere; each file opens its
          // own app and database): importing the server once a worker instead of once a file
          // halves the suite's time.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
