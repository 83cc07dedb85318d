import { defineConfig } from 'vitest/config';

// Browser tests: playwright-core driving Debian's Chromium against the built web app on a freshly seeded server.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // One browser and one server at a time: the machine is small and shared.
    fileParallelism: false,
    pool: 'forks',
  },
});
