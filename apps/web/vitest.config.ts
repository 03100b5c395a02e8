import { defineConfig } from 'vitest/config';

/**
 * `npm test -w @tiemchung/web`: unit tests of the web app's framework-free modules (the site's
 * offline queue and board logic). Browser tests are in /e2e.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    name: 'web',
    root: import.meta.dirname,
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Beside a server test file on the other core (npm test runs two workers).
    testTimeout: 30_000,
  },
});
