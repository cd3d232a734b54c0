// The control-store suite (test/store: SQLite and a throwaway PostgreSQL server), without the root config's
// bundle build; scripts/test.sh runs it after scripts/setup-postgres.sh:
//   npx vitest run -c test/store/vitest.config.mts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/store/**/*.test.ts'],
    pool: 'forks',
    // Generous: the multi-process tests start Node children and a loaded 2-core machine is slow to do so.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // scripts/test.sh adds this report to the summary line with the other suites'.
    reporters: ['default', ['json', { outputFile: '.work/vitest-store.json' }]],
  },
});
