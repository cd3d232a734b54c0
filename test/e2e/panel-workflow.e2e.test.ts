import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, screenshot, scrollTo, webview } from './harness/browser';
import type { CodeServer } from './harness/codeServer';
import { pickQuickItem } from './harness/editor';
import { openDemo } from './harness/workspace';

const COMPRESS = "find logs/ -name '*.log' -mmin +1440 -exec gzip -9 {} +";
const EDITED = "find logs/ -name '*.log' -mmin +2880 -exec gzip -9 {} +";

/** The demo alert from triage to COMPLETED, watched and steered from the panel alone. */
describe('the workflow panel (code-server + chromium)', () => {
  let server: CodeServer;
  let demo: Awaited<ReturnType<typeof openDemo>> | undefined;
  let page: Page;
  let panel: FrameLocator;
  let folder: string;

  beforeAll(async () => {
    demo = await openDemo('panel-workflow', {}, (folder) => execFileSync('sh', [path.join(folder, 'bin', 'simulate.sh'), 'fill-logs']));
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
  /** Toasts (the approval notification) would cover the panel in screenshots. */
  const clearToasts = () => runCommand(page, 'Notifications: Clear All Notifications');
  /** A quick-input row by its exact label (Enter would take the best fuzzy match, which can be another command). */
  const quickRow = (label: string) =>
    page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  /** Presses `target`, lets the panel re-render (a message from the extension that changes nothing), then releases. */
  const pressAcrossRender = async (target: ReturnType<typeof button>) => {
    const box = (await target.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await panel.locator('body').evaluate(
      () =>
        new Promise<void>((resolve) => {
          // The panel's own listener came first, so this one runs after its render.
          window.addEventListener('message', () => resolve(), { once: true });
          window.postMessage({ type: 'actionFailed', id: 'another-workflow', message: 'not this one' }, '*');
        }),
    );
    await page.mouse.up();
  };
  /** Through the theme picker, as a person would; the webview gets the new colours at once. */
  const setTheme = async (theme: string) => {
    // Keys typed while the webview has the focus go to it first; start from the workbench.
    await page.locator('.part.sidebar .title-label').click();
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.fill('>Preferences: Color Theme');
    await quickRow('Preferences: Color Theme').click();
    await input.fill(theme);
    await quickRow(theme).click();
  };

  it('opens on the triaged workflow with the held write, its exact command and why', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json');
    await card().filter({ hasText: 'Held' }).waitFor({ timeout: 90_000 });
    // Every later render (and there are many) is checked against the CSP: nothing inline may sneak in.
    await panel.locator('body').evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    expect(await card().locator('[data-testid="approval-command"]').textContent()).toBe(COMPRESS);
    expect(await card().locator('.reasons li').count()).toBeGreaterThan(0);
    // Read-only tier: no Approve, the way out instead.
    expect(await button('Approve').count()).toBe(0);
    await button('Switch to approved writes').waitFor();

    const row = panel.locator('[role="option"]', { hasText: 'Log volume' });
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await row.textContent()).toMatch(/needs approval/);
    await expect.poll(() => panel.locator('[data-testid="pending-approvals"]').textContent()).toBe('1 approval waiting');
    await screenshot(page, 'panel-approval-held');
  });

  it('shows the plan with the diagnostics done and their redacted output folded away', async () => {
    const steps = panel.locator('[data-testid="steps"] > li');
    expect(await steps.count()).toBeGreaterThanOrEqual(4);
    const first = steps.first();
    expect(await first.getAttribute('class')).toMatch(/status-done/);
    expect(await first.locator('.badge.risk-read').count()).toBe(1);
    const output = first.locator('pre.output');
    expect(await output.isVisible()).toBe(false);
    await first.locator('summary').click();
    await output.waitFor();
    expect(await output.textContent()).toMatch(/logs\//);
    await expect.poll(() => steps.nth(2).getAttribute('class')).toMatch(/status-waiting/);
  });

  it('draws the trace, with the wait for a person still running', async () => {
    await clearToasts();
    const table = panel.locator('[data-testid="waterfall"]');
    await scrollTo(table);
    const names = await table.locator('tbody th').allTextContents();
    expect(names.join('\n')).toMatch(/invoke_agent/);
    expect(await table.locator('tbody tr.status-open').count()).toBeGreaterThan(0);
    // Every bar's numbers are text too: a duration and its share of the total.
    expect(await table.locator('tbody tr').first().locator('td').first().textContent()).toMatch(/\d+(\.\d)? ?(ms|s|min)/);
    await screenshot(page, 'panel-trace');
  });

  it('asks for a reason before it rejects', async () => {
    await scrollTo(card());
    await button('Reject…').click();
    await button('Reject step').click();
    await panel.getByText('A reason is required.').waitFor();
    expect(await panel.locator('#reject-reason').getAttribute('aria-invalid')).toBe('true');
    await button('Cancel').click();
    await button('Reject…').waitFor();
  });

  it('opens the runbook section that proposed the step beside the panel', async () => {
    await card().locator('.source-ref button').click();
    await page.locator('.tabs-container .tab.active', { hasText: 'log-volume-filling-up.md' }).waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .monaco-editor .selected-text').first().waitFor({ timeout: 30_000 });
    // The panel stays open in its own group.
    expect(await page.locator('.editor-group-container').count()).toBeGreaterThanOrEqual(2);
    await card().waitFor();
    await screenshot(page, 'panel-source-beside');
  });

  it('switches the workspace to approved writes, and then offers Approve', async () => {
    await button('Switch to approved writes').click();
    await card().filter({ hasText: 'Approval needed' }).waitFor({ timeout: 30_000 });
    expect(await button('Approve').isEnabled()).toBe(true);
    await screenshot(page, 'panel-approval');
  });

  it('follows the theme: dark, and high contrast with borders on every chip and card', async () => {
    const chip = panel.locator('.chip').first();
    const border = () => chip.evaluate((el) => getComputedStyle(el).borderTopColor);
    const none = 'rgba(0, 0, 0, 0)';
    expect(await border()).toBe(none);
    await clearToasts();
    await setTheme('Dark Modern');
    await panel.locator('body.vscode-dark').waitFor({ timeout: 30_000 });
    await scrollTo(card());
    await screenshot(page, 'panel-approval-dark');
    await setTheme('Dark High Contrast');
    await panel.locator('body.vscode-high-contrast').waitFor({ timeout: 30_000 });
    await expect.poll(border).not.toBe(none);
    await screenshot(page, 'panel-approval-high-contrast');
    await setTheme('Light Modern');
    await panel.locator('body.vscode-light').waitFor({ timeout: 30_000 });
  });

  it('edits the command, and the card shows the command the engine classified again', async () => {
    await button('Edit…').click();
    const box = panel.locator('#edit-command');
    expect(await box.inputValue()).toBe(COMPRESS);
    await box.fill(EDITED);
    await button('Save edit').click();
    await expect.poll(() => card().locator('[data-testid="approval-command"]').textContent(), { timeout: 30_000 }).toBe(EDITED);
    expect(await card().locator('.badge.risk-write').count()).toBe(1);
  });

  it('approves, answers the question, approves again, and the workflow completes', async () => {
    // The first Approve is pressed and released by hand, with a live re-render in between (an engine update or
    // the panel's slow tick can land there): the release must still count as a click on the same button.
    await pressAcrossRender(button('Approve'));
    const question = panel.locator('[data-testid="question"]');
    await question.waitFor({ timeout: 60_000 });
    expect(await question.textContent()).toMatch(/RETENTION_DAYS/);
    // The card that replaced the approved one has the focus, so the answer can be typed at once.
    const answer = panel.locator('#answer-input');
    await expect.poll(() => answer.evaluate((input) => input === document.activeElement)).toBe(true);
    await screenshot(page, 'panel-question');
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');

    await card().filter({ hasText: 'delete' }).waitFor({ timeout: 60_000 });
    await button('Approve').click();
    const current = panel.locator('.state-strip [aria-current="step"]');
    await expect.poll(() => current.textContent(), { timeout: 90_000 }).toBe('Completed');
    await expect.poll(() => panel.locator('[data-testid="pending-approvals"]').textContent()).toBe('No approvals waiting');
    // The approved (edited: older than two days) compression really ran on disk; the younger logs stay as they were.
    const logs = () => fs.readdirSync(path.join(folder, 'logs')).filter((f) => f.startsWith('app-hour-'));
    // Each of the 48 hours is there exactly once, as a log or as its gzip.
    await expect.poll(() => new Set(logs().map((f) => f.slice(0, 'app-hour-00'.length))).size).toBe(48);
    await expect.poll(() => logs().length).toBe(48);
    const gz = logs().filter((f) => f.endsWith('.log.gz')).length;
    expect(gz).toBeGreaterThan(0);
    expect(gz).toBeLessThan(48);
    await screenshot(page, 'panel-completed');
  });

  it('moves through the list with the arrow keys and opens a workflow with Enter', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'checkout-down.json', 'checkout-down.json');
    const rows = panel.locator('[role="option"]');
    await expect.poll(() => rows.count(), { timeout: 90_000 }).toBe(2);
    // Newest first, and the triage command showed the new workflow.
    await expect.poll(() => rows.first().getAttribute('aria-selected'), { timeout: 30_000 }).toBe('true');
    expect(await rows.nth(1).textContent()).toMatch(/Log volume/);
    expect(await rows.first().getAttribute('tabindex')).toBe('0');
    // Let the new workflow settle at its first approval, so no live update redraws the list under the keys.
    await card().filter({ hasText: 'Approval needed' }).waitFor({ timeout: 60_000 });
    await clearToasts();
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await rows.nth(1).evaluate((row) => row === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.nth(1).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => panel.locator('#workflow-title').textContent()).toBe('Log volume of checkout is filling up');
    expect(await rows.nth(1).evaluate((row) => row === document.activeElement)).toBe(true);
  });

  it('shows "Last time" when the same alert fires again, and forgets it after an inline confirm', async () => {
    const alert = JSON.parse(fs.readFileSync(path.join(folder, 'alerts', 'log-volume-filling-up.json'), 'utf8')) as { alerts: Array<{ startsAt: string }> };
    alert.alerts[0]!.startsAt = '2026-11-25T03:00:00Z';
    fs.writeFileSync(path.join(folder, 'alerts', 'log-volume-again.json'), JSON.stringify(alert));
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-again.json', 'log-volume-again.json');
    const lastTime = panel.locator('[data-testid="last-time"]');
    await lastTime.waitFor({ timeout: 90_000 });
    expect(await lastTime.textContent()).toMatch(/Last time.*completed/s);
    await panel.locator('[data-testid="last-time-forget"]').click();
    await panel.locator('[data-testid="last-time-confirm"]').waitFor();
    await screenshot(page, 'panel-last-time-forget');
    await button('Forget').click();
    await lastTime.waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('drew all of that without a single Content Security Policy violation', async () => {
    expect(await panel.locator('body').evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  });
});
