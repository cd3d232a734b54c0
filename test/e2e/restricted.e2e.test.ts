import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWorkbench, runCommand, screenshot, webview } from './harness/browser';
import { CodeServer } from './harness/codeServer';
import { VSIX } from './harness/paths';
import { copyDemoWorkspace } from './harness/workspace';

describe('Restricted Mode (workspace not trusted)', () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('still opens the panel, and the engine knows nothing may execute', async () => {
    server = await CodeServer.start('restricted', { install: [VSIX], settings: { 'security.workspace.trust.enabled': true } });
    const folder = copyDemoWorkspace(server.work);
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server.workspaceUrl(folder));
    await runCommand(page, 'Runbook Agent: Show Panel');
    const panel = webview(page);
    const banner = panel.getByText('Restricted Mode: this workspace is not trusted');
    await banner.waitFor({ timeout: 60_000 });
    await expect.poll(() => panel.locator('[data-testid="health"]').textContent()).toMatch(/answering/);
    await screenshot(page, 'panel-restricted-mode');
  });
});
