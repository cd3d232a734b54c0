import { defineConfig } from 'vitest/config';

// End-to-end tests: a real code-server driven by Debian's chromium. One file at a time, since each
// starts its own code-server and the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/e2e/harness/globalSetup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: '.work/vitest-e2e.json' }]],
  },
});
