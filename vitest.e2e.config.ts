import { defineConfig } from 'vitest/config';

/**
 * `npm run test:e2e`: browser tests (playwright-core driving the system Chromium) against the
 * built server (`node apps/server/dist/main.js`) serving the built web app (`apps/web/dist`).
 * Build both first: `npm run build`. Set CHROMIUM_PATH when Chromium is not at /usr/bin/chromium.
 */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // Two files at a time, each with its own server, port and data directory (helpers.ts): a
    // browser test waits on pages and timers much of its time, so two share the machine's two
    // cores — 563 s against 803 s one at a time, the same 89 tests (2026-12-04, this machine).
    fileParallelism: true,
    maxWorkers: 2,
    maxConcurrency: 1,
    retry: 0,
  },
});
