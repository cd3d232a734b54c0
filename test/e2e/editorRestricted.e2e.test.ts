import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCommand, screenshot } from './harness/browser';
import type { CodeServer } from './harness/codeServer';
import { toast } from './harness/editor';
import { openDemo } from './harness/workspace';

/** Restricted Mode: what would run or approve says why it is blocked and how to trust; reading still works. */
describe('Runbook Agent commands in Restricted Mode', () => {
  let server: CodeServer;
  let demo: Awaited<ReturnType<typeof openDemo>> | undefined;
  let page: Page;

  beforeAll(async () => {
    demo = await openDemo('editor-restricted', { settings: { 'security.workspace.trust.enabled': true } });
    server = demo.server;
    page = demo.page;
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it('refuses Triage Alert with the reason and the way to trust the workspace', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    const message = toast(page, 'Triage Alert (it runs read-only diagnostics) is blocked in Restricted Mode');
    await message.waitFor({ timeout: 60_000 });
    await message.filter({ hasText: 'Workspaces: Manage Workspace Trust' }).waitFor();
    await screenshot(page, 'editor-restricted-triage');
  });

  it('refuses Approve Pending Step the same way', async () => {
    await runCommand(page, 'Runbook Agent: Approve Pending Step');
    await toast(page, 'Approve Pending Step is blocked in Restricted Mode').waitFor({ timeout: 30_000 });
    await screenshot(page, 'editor-restricted-approve');
  });

  it('still indexes and searches runbooks', async () => {
    // The first index pass starts just after activation; the status bar shows when it is done.
    await page.locator('.statusbar-item', { hasText: /\d+ sections/ }).waitFor({ timeout: 90_000 });
    await runCommand(page, 'Runbook Agent: Search Runbooks');
    // The command's own quick pick replaces the palette: type only once it is there.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Search Runbooks' }).waitFor({ timeout: 30_000 });
    // Typed key by key, as a person does: the quick pick searches on each change.
    await page.keyboard.type('log volume is filling up');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'runbooks/log-volume-filling-up.md' }).first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'editor-restricted-search');
  });
});
