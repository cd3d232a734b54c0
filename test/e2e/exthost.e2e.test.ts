import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './harness/browser';
import { CodeServer } from './harness/codeServer';
import { ROOT } from './harness/paths';
import { copyDemoWorkspace } from './harness/workspace';

/** The mocha suite in test/exthost runs inside code-server's real extension host, on the unpacked extension. */
describe('extension-host tests (mocha inside code-server)', () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('pass in the real extension host', { timeout: 240_000 }, async () => {
    const bundleDir = path.join(ROOT, '.work', 'exthost');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'test', 'exthost', 'index.ts')],
      outfile: path.join(bundleDir, 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['vscode'],
      logLevel: 'warning',
    });
    const results = path.join(bundleDir, 'results.json');
    fs.rmSync(results, { force: true });
    server = await CodeServer.start('exthost', {
      extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
      env: { RUNBOOK_AGENT_EXTHOST_RESULTS: results },
    });
    const folder = copyDemoWorkspace(server.work);
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server!.port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(bundleDir, 'index.js'))],
    ]);
    browser = await launchBrowser();
    const page = await browser.newPage();
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.goto(server.workspaceUrl(folder, `&payload=${encodeURIComponent(payload)}`));
    const code = await Promise.race([
      exitCode,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('extension-host tests did not finish in 210 s')), 210_000)),
    ]);
    const report = JSON.parse(fs.readFileSync(results, 'utf8')) as { passed: number; failed: number; tests: Array<{ title: string; state: string; error?: string }> };
    const failures = report.tests.filter((t) => t.state === 'failed');
    expect(failures, JSON.stringify(failures, null, 2)).toEqual([]);
    expect(report.passed).toBe(22);
    expect(code).toBe(0);
  });
});
