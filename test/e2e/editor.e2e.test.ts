import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, screenshot } from './harness/browser';
import type { CodeServer } from './harness/codeServer';
import { codeLenses, editorGroupOf, openFile, pickQuickItem, toast } from './harness/editor';
import { openDemo } from './harness/workspace';

/** The installed .vsix beside the code: CodeLens on a demo runbook, then an alert triaged and approved from the keyboard. */
describe('Runbook Agent in the editor (code-server + chromium)', () => {
  let server: CodeServer;
  let demo: Awaited<ReturnType<typeof openDemo>> | undefined;
  let page: Page;

  beforeAll(async () => {
    demo = await openDemo('editor');
    server = demo.server;
    page = demo.page;
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it('shows "Run runbook" and each step\'s risk above a demo runbook', async () => {
    await openFile(page, 'log-volume-filling-up.md');
    await codeLenses(page).filter({ hasText: '▶ Run runbook' }).waitFor({ timeout: 90_000 });
    const texts = await codeLenses(page).allTextContents();
    expect(texts.join('\n')).toMatch(/\bread\b/);
    // The classifier's first reason for the compress step is in the lens.
    expect(texts.join('\n')).toMatch(/write: `find -exec` runs a command that writes/);
    await screenshot(page, 'editor-codelens');
  });

  it('triages an alert from the workspace\'s alerts/ and announces the step that waits for approval', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json', 'Triage Alert');
    await toast(page, /step 3 of .* waits for your approval/).waitFor({ timeout: 90_000 });
    await screenshot(page, 'editor-approval-notification');
  });

  it('puts each step\'s last result in the CodeLens once it ran', async () => {
    await openFile(page, 'log-volume-filling-up.md');
    // VS Code refreshes CodeLens of a focused editor only (the panel took the focus): click into the runbook.
    const runbook = editorGroupOf(page, 'log-volume-filling-up.md');
    await runbook.locator('.editor-instance .monaco-editor .view-lines').click();
    await codeLenses(runbook).filter({ hasText: '✓ exit 0' }).first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'editor-codelens-results');
    // Lenses render for lines on screen only: go to the Mitigation section.
    await page.keyboard.press('Control+G');
    // Type only once the Go to Line box is open: keys sent earlier would edit the runbook itself.
    const goTo = page.locator('.quick-input-widget input[type="text"]');
    await goTo.waitFor();
    await goTo.fill(':44');
    await page.keyboard.press('Enter');
    await codeLenses(runbook).filter({ hasText: 'waiting' }).first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'editor-codelens-waiting');
  });

  it('lists the workflow under "Waiting for you" in the Runbook Agent view, with a badge', async () => {
    await runCommand(page, 'Focus on Workflows View');
    const rows = page.locator('.pane-body .monaco-list-row');
    await rows.filter({ hasText: 'Waiting for you' }).waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: 'Log volume of checkout is filling up' }).filter({ hasText: 'approval needed' }).waitFor({ timeout: 30_000 });
    await page.locator('.activitybar .badge-content', { hasText: '1' }).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'editor-workflows-view');
  });

  it('approves the waiting step from the keyboard, showing the exact command first', async () => {
    // The demo workspace starts read-only: an approval there would only be held.
    await runCommand(page, 'Runbook Agent: Choose Capability Tier...');
    await pickQuickItem(page, 'Approved writes', 'Approved writes', 'Capability tier of demo-workspace');
    await toast(page, 'tier is now approved-writes').waitFor({ timeout: 30_000 });

    await runCommand(page, 'Runbook Agent: Approve Pending Step');
    await pickQuickItem(page, "find logs/ -name '*.log' -mmin +1440 -exec gzip -9 {} +");
    const confirm = page.locator('.quick-input-widget');
    await confirm.locator('.quick-input-list .monaco-list-row', { hasText: 'Why it is a write' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'editor-approve-confirm');
    await pickQuickItem(page, 'Approve and run');
    await toast(page, /approved step 3 of/).waitFor({ timeout: 30_000 });
    await screenshot(page, 'editor-approved');
  });
});
