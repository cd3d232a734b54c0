import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, screenshot, webview } from './harness/browser';
import type { CodeServer } from './harness/codeServer';
import { pickQuickItem } from './harness/editor';
import { openDemo } from './harness/workspace';

/** The engine process this code-server started (its path holds the server's own work folder). */
function enginePid(server: CodeServer): number {
  const out = execFileSync('pgrep', ['-f', `${server.work}/extensions/.*dist/engine\\.js`], { encoding: 'utf8' }).trim();
  const pids = out.split('\n').map(Number).filter((n) => n > 0);
  if (pids.length !== 1) throw new Error(`expected one engine process, found ${pids.length}`);
  return pids[0]!;
}

/** A person rejects a step, reloads the window, and the engine dies mid-workflow: nothing is lost. */
describe('a workflow survives a rejection, a window reload and a killed engine (code-server + chromium)', () => {
  let server: CodeServer;
  let demo: Awaited<ReturnType<typeof openDemo>> | undefined;
  let page: Page;
  let panel: FrameLocator;
  let folder: string;

  beforeAll(async () => {
    demo = await openDemo('recovery', {}, (folder) => execFileSync('sh', [path.join(folder, 'bin', 'simulate.sh'), 'fill-logs']));
    server = demo.server;
    page = demo.page;
    folder = demo.folder;
    panel = webview(page);
  });

  afterAll(async () => {
    await demo?.stop();
  });

  const card = () => panel.locator('[data-testid="approval"]');
  const button = (name: string) => panel.getByRole('button', { name, exact: true });
  const stepIds = () => panel.locator('[data-testid="steps"] > li').allTextContents();
  const logs = () => fs.readdirSync(path.join(folder, 'logs'));

  it('a rejected write stays in the plan as declined with its reason, and the workflow goes on to the next thing a person must do', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json');
    await button('Switch to approved writes').click({ timeout: 90_000 });
    await card().filter({ hasText: 'compress-old-logs' }).filter({ hasText: 'Approval needed' }).waitFor({ timeout: 30_000 });
    await button('Reject…').click();
    await panel.locator('#reject-reason').fill('the archive host compresses these');
    await button('Reject step').click();
    await panel.locator('[data-testid="question"]').waitFor({ timeout: 60_000 });
    // The rest of the plan is as it was: the rejected step is shown declined, with the person's reason.
    const declined = (await stepIds()).find((t) => t.includes('compress-old-logs'));
    expect(declined).toMatch(/^\W*declined/);
    expect(declined).toContain('the archive host compresses these');
    // Nothing was compressed: the rejected command never ran.
    expect(logs().filter((f) => f.endsWith('.gz'))).toEqual([]);
    await screenshot(page, 'recovery-rejected-replanned');
  });

  it('after a window reload the panel comes back on the workflow that was open, not the newest one, still waiting for the answer', async () => {
    const title = await panel.locator('#workflow-title').textContent();
    // A second, newer workflow: the panel moves to it, and the person goes back to the first.
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'checkout-down.json', 'checkout-down.json');
    await expect.poll(() => panel.locator('#workflow-title').textContent(), { timeout: 90_000 }).not.toBe(title);
    await panel.locator('[role="option"]', { hasText: 'Log volume' }).click();
    await expect.poll(() => panel.locator('#workflow-title').textContent(), { timeout: 30_000 }).toBe(title);
    // Reloaded at once: the choice was only just made (the case that failed under load, when the workbench's
    // storage had not yet been flushed and the newest workflow came back instead).
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    panel = webview(page);
    await expect.poll(() => panel.locator('#workflow-title').textContent(), { timeout: 90_000 }).toBe(title);
    await panel.locator('[data-testid="question"]').waitFor({ timeout: 30_000 });
    await screenshot(page, 'recovery-restored-after-reload');
  });

  it('the engine is killed mid-workflow: it is restarted, the workflow resumes where it stood, and validation decides', async () => {
    // Ctrl+Enter sends the answer from the field (issue #15).
    await panel.locator('#answer-input').fill('0');
    await panel.locator('#answer-input').press('Control+Enter');
    await card().filter({ hasText: 'delete-old-archives' }).waitFor({ timeout: 60_000 });
    const pid = enginePid(server);
    process.kill(pid, 'SIGKILL');
    await page.locator('.notifications-toasts', { hasText: 'the engine stopped unexpectedly and was restarted' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => enginePid(server), { timeout: 60_000 }).not.toBe(pid);
    // The same card, read back from SQLite by the new engine.
    await card().filter({ hasText: 'delete-old-archives' }).filter({ hasText: 'Approval needed' }).waitFor({ timeout: 60_000 });
    await button('Approve').click();
    // With compression rejected, the logs still hold 12 MB: the runbook's verification (below threshold_mb = 10)
    // fails, and the workflow escalates with that evidence instead of claiming success.
    await expect.poll(() => panel.locator('.state-strip [aria-current="step"]').textContent(), { timeout: 90_000 }).toMatch(/Escalated/);
    await panel.getByText(/not verified: verification-1: value 1\d is not below 10/).first().waitFor({ timeout: 30_000 });
    expect(logs().filter((f) => f.endsWith('.log'))).toHaveLength(48);
    await screenshot(page, 'recovery-escalated-after-engine-kill');
  });
});
