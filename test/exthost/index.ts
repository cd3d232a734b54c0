/**
 * Mocha tests that run inside VS Code's real extension host (code-server started with the smoke-test
 * driver). VS Code calls run(); the counts go to RUNBOOK_AGENT_EXTHOST_RESULTS for the e2e runner.
 */
import fs from 'node:fs';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 90_000, color: false });
  mocha.suite.emit('pre-require', globalThis, 'exthost', mocha);
  // Required after pre-require so describe/it exist; esbuild inlines the module.
  require('./suite/extension.test');
  require('./suite/search.test');
  require('./suite/editor.test');
  require('./suite/lmTools.test');
  require('./suite/keybindings.test');
  const results: { passed: number; failed: number; tests: Array<{ title: string; state: string; error?: string }> } = {
    passed: 0,
    failed: 0,
    tests: [],
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.RUNBOOK_AGENT_EXTHOST_RESULTS;
      if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (test) => {
      results.passed++;
      results.tests.push({ title: test.fullTitle(), state: 'passed' });
    });
    runner.on('fail', (test, error: Error) => {
      results.failed++;
      results.tests.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message });
    });
  });
}
