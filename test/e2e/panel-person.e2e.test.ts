import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, screenshot, scrollTo, webview } from './harness/browser';
import { pickQuickItem, toast } from './harness/editor';
import { openDemo } from './harness/workspace';

/** One command and two instructions for a person, and no verification: the workflow waits for the alert. */
const QUEUE_RUNBOOK = fs.readFileSync(path.resolve('test/fixtures/queue-stuck/queue-stuck.md'), 'utf8');

const QUEUE_ALERT = JSON.stringify({
  version: '4',
  status: 'firing',
  receiver: 'runbook-agent',
  groupKey: '{}',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://127.0.0.1:9093',
  alerts: [{ status: 'firing', labels: { alertname: 'DemoQueueStuck', severity: 'warning' }, annotations: { summary: 'The job queue is stuck' }, startsAt: '2026-11-24T03:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: 'aa11bb22cc33dd44' }],
});

/**
 * Issue #12 from the person's side, in the panel alone: the incident summary on top, a failing diagnostic
 * flagged (never a plain ✓), an optional write declined while the workflow goes on, the verification's value
 * against its threshold, and Export Incident Report writing a Markdown postmortem draft into the workspace.
 */
describe('the person’s side of a workflow in the panel (code-server + chromium)', () => {
  let demo: Awaited<ReturnType<typeof openDemo>> | undefined;
  let page: Page;
  let panel: FrameLocator;
  let folder: string;

  beforeAll(async () => {
    demo = await openDemo('panel-person', {}, (ws) => {
      execFileSync('sh', [path.join(ws, 'bin', 'simulate.sh'), 'fill-logs']);
      // One more diagnostic, reading a file this copy of the workspace does not have: it fails (exit 1).
      const runbook = path.join(ws, 'runbooks', 'log-volume-filling-up.md');
      const text = fs.readFileSync(runbook, 'utf8');
      fs.writeFileSync(runbook, text.replace('## Mitigation', 'Check when the logs were last rotated:\n\n```sh\ncat logs/.rotated\n```\n\n## Mitigation'));
      // A runbook of instructions for a person and no verification, and its alert: checklist items, then a wait for the alert.
      fs.writeFileSync(path.join(ws, 'runbooks', 'queue-stuck.md'), QUEUE_RUNBOOK);
      fs.writeFileSync(path.join(ws, 'alerts', 'queue-stuck.json'), QUEUE_ALERT);
      // An alert with no name and no link: only search can pick its runbook, so a person is asked to confirm it.
      fs.writeFileSync(path.join(ws, 'alerts', 'queue-pile-up.json'), JSON.stringify({ title: 'The job queue is stuck and the pending jobs pile up', severity: 'warning' }));
    });
    page = demo.page;
    folder = demo.folder;
    panel = webview(page);
  });

  afterAll(async () => {
    await demo?.stop();
  });

  const card = () => panel.locator('[data-testid="approval"]');
  const button = (name: string) => panel.getByRole('button', { name, exact: true });
  const stepRow = (command: string) => panel.locator('[data-testid="steps"] > li', { has: panel.locator('pre.step-command', { hasText: command }) });
  const clearToasts = () => runCommand(page, 'Notifications: Clear All Notifications');

  it('shows the incident summary at the top of the workflow, with the failing diagnostic flagged and cited', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json');
    await card().filter({ hasText: 'Held' }).waitFor({ timeout: 90_000 });
    await panel.locator('body').evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    // The summary comes right after the workflow's header, before the card and the plan.
    const summary = panel.locator('[data-testid="summary"]');
    await summary.waitFor();
    const order = await panel.locator('[data-testid="workflow"]').evaluate((pane) =>
      Array.from(pane.children, (c) => c).map((c) => c.getAttribute('data-testid') ?? c.className).slice(0, 3),
    );
    expect(order).toEqual(['workflow-header', 'summary', 'approval']);
    // Folded while a card waits, so the card stays in view; one key unfolds it.
    expect(await summary.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await summary.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => summary.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await summary.locator('[data-testid="summary-fired"]').textContent()).toMatch(/Log volume of checkout is filling up \(warning\)/);

    // Flagged on its row (✗, "Failed: exit 1") and in the summary, never a plain ✓.
    const failing = stepRow('cat logs/.rotated');
    expect(await failing.getAttribute('class')).toMatch(/flag-failed/);
    expect(await failing.locator('.status-icon').textContent()).toBe('✗');
    expect(await failing.locator('[data-testid="step-flag"]').textContent()).toBe('Failed: exit 1');
    const checked = summary.locator('[data-testid="summary-checked"] li', { hasText: 'cat logs/.rotated' });
    expect(await checked.textContent()).toMatch(/✗.*failed \(exit 1\).*tc:[0-9a-f]{12}/);
    // Its citation goes to the step whose output it cites.
    await checked.locator('button.citation').click();
    await expect.poll(() => failing.evaluate((row) => row === document.activeElement)).toBe(true);
    await screenshot(page, 'panel-summary-flagged');
  });

  it('declines the optional write with Ctrl+Enter, and the workflow goes on to verify against the threshold', async () => {
    await clearToasts();
    await button('Switch to approved writes').click();
    await card().filter({ hasText: 'Approval needed' }).waitFor({ timeout: 30_000 });
    await button('Approve').click();
    const answer = panel.locator('#answer-input');
    await answer.waitFor({ timeout: 60_000 });
    await expect.poll(() => answer.evaluate((input) => input === document.activeElement)).toBe(true);
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');

    await card().filter({ hasText: 'delete' }).waitFor({ timeout: 60_000 });
    await button('Reject…').click();
    await panel.locator('#reject-reason').fill('keep the archives for the audit');
    await page.keyboard.press('Control+Enter');

    const current = panel.locator('.state-strip [aria-current="step"]');
    await expect.poll(() => current.textContent(), { timeout: 90_000 }).toBe('Completed');
    // This window started it: its completion is announced like every wait on a person, without a modal.
    await toast(page, /"Log volume of checkout is filling up" completed\./).waitFor({ timeout: 30_000 });
    const declined = stepRow("-name '*.log.gz'");
    expect(await declined.locator('[data-testid="step-flag"]').textContent()).toMatch(/^Declined by .*: keep the archives for the audit$/);
    expect(await declined.locator('.status-icon').textContent()).toBe('–');
    // The verification says its value against its threshold, on the step and in the summary.
    const verification = panel.locator('[data-testid="verification"]');
    expect(await verification.textContent()).toBe('Verified: du -sm logs/ | cut -f1: 1 < 10 ✓');
    const summaryVerification = panel.locator('[data-testid="summary-verification"]');
    expect(await summaryVerification.textContent()).toMatch(/passed.*du -sm logs\/ \| cut -f1: 1 < 10 ✓/);
    expect(await panel.locator('[data-testid="summary-done"]').textContent()).toMatch(/declined.*keep the archives for the audit/);
    // Compressed, not deleted: the declined step did not run.
    const logs = fs.readdirSync(path.join(folder, 'logs'));
    expect(logs.filter((f) => f.endsWith('.log.gz'))).toHaveLength(48);
    await scrollTo(panel.locator('[data-testid="summary"]'));
    await screenshot(page, 'panel-summary-completed');
  });

  it('drew all of that without a single Content Security Policy violation', async () => {
    expect(await panel.locator('body').evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
  });

  it('exports the incident report as a Markdown postmortem draft into a folder of the workspace', async () => {
    await clearToasts();
    await button('Export Incident Report…').click();
    await pickQuickItem(page, 'postmortems/', 'postmortems', 'Export Incident Report');
    const dir = path.join(folder, 'postmortems');
    await expect.poll(() => (fs.existsSync(dir) ? fs.readdirSync(dir) : []), { timeout: 30_000 }).toHaveLength(1);
    const [file] = fs.readdirSync(dir);
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}-demo-log-volume-filling-up\.md$/);
    const markdown = fs.readFileSync(path.join(dir, file!), 'utf8');
    expect(markdown).toMatch(/^# Postmortem draft: Log volume of checkout is filling up/);
    expect(markdown).toMatch(/✗ `cat logs\/\.rotated`: failed \(exit 1\)/);
    expect(markdown).toMatch(/- du -sm logs\/ \| cut -f1: 1 < 10 ✓/);
    // It opens in the editor.
    await page.locator('.tabs-container .tab.active', { hasText: file! }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'report-exported');
  });

  it('opens the event log read-only, never as a dirty Untitled buffer', async () => {
    await runCommand(page, 'Runbook Agent: Open Event Log');
    await pickQuickItem(page, 'Log volume of checkout is filling up', 'Log volume');
    const tab = page.locator('.tabs-container .tab.active', { hasText: /-events\.json/ });
    await tab.waitFor({ timeout: 30_000 });
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await expect.poll(() => editor.textContent(), { timeout: 30_000 }).toMatch(/"type":\s*"created"/);
    await editor.click();
    await page.keyboard.type('x');
    expect(await tab.getAttribute('class')).not.toMatch(/\bdirty\b/);
    expect(await page.locator('.tabs-container .tab', { hasText: /^Untitled/ }).count()).toBe(0);
  });

  it('ticks checklist items (Ctrl+Enter: done), says until when it waits for the alert, marks it resolved and archives it', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'queue-stuck.json', 'queue-stuck.json');
    const checklist = panel.locator('[data-testid="checklist"]');
    await checklist.filter({ hasText: 'Check the worker dashboard' }).waitFor({ timeout: 90_000 });
    expect(await panel.locator('[role="option"]', { hasText: 'The job queue is stuck' }).textContent()).toMatch(/to do/);
    // Cancel asks first; "Keep it" leaves the workflow as it was.
    await button('Cancel workflow…').click();
    await panel.locator('#cancel-note').waitFor();
    await button('Keep it').click();
    await button('Cancel workflow…').waitFor();

    await panel.locator('#checklist-note').fill('dashboard is clean');
    await panel.locator('#checklist-note').press('Control+Enter');
    await checklist.filter({ hasText: 'Notify the owning team' }).waitFor({ timeout: 30_000 });
    await panel.locator('#checklist-note').fill('the team is asleep');
    await button('Skipped').click();

    const resolution = panel.locator('[data-testid="resolution"]');
    await resolution.waitFor({ timeout: 30_000 });
    expect(await resolution.locator('h3').textContent()).toMatch(/^Waits for the alert to resolve until (\w{3} \w{3} \d{2} )?\d{2}:\d{2}$/);
    const ticked = panel.locator('[data-testid="steps"] > li');
    expect(await ticked.nth(1).locator('[data-testid="step-flag"]').textContent()).toMatch(/^Done by .*: dashboard is clean$/);
    expect(await ticked.nth(2).locator('[data-testid="step-flag"]').textContent()).toMatch(/^Skipped by .*: the team is asleep$/);
    await screenshot(page, 'panel-wait-for-resolution');
    await panel.locator('#resolution-note').fill('queue drained');
    await button('Mark resolved').click();
    const current = panel.locator('.state-strip [aria-current="step"]');
    await expect.poll(() => current.textContent(), { timeout: 30_000 }).toBe('Completed');
    expect(await panel.locator('[data-testid="summary-verification"]').textContent()).toMatch(/resolved.*queue drained/);

    // Archived: gone from the list, back with "Show archived".
    const row = panel.locator('[role="option"]', { hasText: 'The job queue is stuck' });
    await button('Archive').click();
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
    await panel.getByLabel('Show archived').check();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/archived/);
  });

  it('asks to confirm a runbook only search chose, and Use another runbook… plans again from the one picked', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'queue-pile-up.json', 'queue-pile-up.json');
    await panel.locator('[data-testid="checklist"]').filter({ hasText: 'only search chose it' }).waitFor({ timeout: 90_000 });
    const planSummary = panel.locator('[data-testid="workflow"] p.summary');
    // Both queue runbooks answer this text and score close together: which one search puts first is the
    // ranking's business (the quality bench measures it); this test is about what a person can do next.
    const chosen = /^Runbook runbooks\/(queue-stuck|job-queue-backlog)\.md: retrieval ranked/.exec((await planSummary.textContent()) ?? '')?.[1];
    expect(chosen, 'search chose one of the two queue runbooks').toBeDefined();
    const other = chosen === 'queue-stuck' ? 'job-queue-backlog' : 'queue-stuck';
    await button('Use another runbook…').click();
    // What search saw for this plan comes first, with its score; then every other Markdown file.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'again from' }).waitFor({ timeout: 30_000 });
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await expect.poll(() => rows.first().textContent(), { timeout: 10_000 }).toMatch(/search saw these for this plan/);
    expect(await rows.filter({ hasText: `runbooks/${other}.md` }).textContent()).toMatch(/score 0\.\d{3}/);
    expect(await rows.filter({ hasText: `runbooks/${chosen}.md` }).textContent()).toMatch(/the plan's runbook now/);
    await screenshot(page, 'panel-use-another-runbook-pick');
    await pickQuickItem(page, `runbooks/${other}.md`, other, 'again from');
    await expect.poll(() => planSummary.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^Runbook runbooks/${other}\\.md: a person chose runbooks/${other}\\.md`));
    await screenshot(page, 'panel-use-another-runbook');
  });
});
