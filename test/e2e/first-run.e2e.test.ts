import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, screenshot, webview } from './harness/browser';
import { contrastOf } from './harness/contrast';
import { openFile, pickQuickItem } from './harness/editor';
import { openDemo } from './harness/workspace';

const STEP = (id: string) => `button.getting-started-step[data-step-id="runbook-agent.runbook-agent#runbookAgent.start#${id}"]`;
const STEPS = ['openRunbooks', 'index', 'triage', 'approve', 'tier'];
/** Chips and badges: the small coloured labels of the list, the plan, the alert and the approval card. */
const CHIPS = '.chip, .chip-key, .badge';

/**
 * Issue #15, a first run without friction: a fresh profile (VS Code's own "open walkthroughs on install" left
 * on) meets the walkthrough, the default keys, and chips that can be read in every theme.
 */
describe('a first run in a fresh profile (code-server + chromium)', () => {
  let demo: Awaited<ReturnType<typeof openDemo>> | undefined;
  let page: Page;
  let panel: FrameLocator;

  beforeAll(async () => {
    demo = await openDemo('first-run', { settings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true } }, (folder) =>
      execFileSync('sh', [path.join(folder, 'bin', 'simulate.sh'), 'fill-logs']),
    );
    page = demo.page;
    panel = webview(page);
  });

  afterAll(async () => {
    await demo?.stop();
  });

  /** Keys typed while the webview has the focus go to it first; chords start from the workbench. */
  const focusWorkbench = () => page.locator('.part.sidebar .title-label').click();
  /** Ctrl+K, then Shift and a letter, each key down and up as a person types them. */
  const chord = async (letter: string) => {
    await focusWorkbench();
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyK');
    await page.keyboard.up('Control');
    await page.keyboard.down('Shift');
    await page.keyboard.press(`Key${letter}`);
    await page.keyboard.up('Shift');
  };
  const walkthroughTab = () => page.locator('.tabs-container .tab', { hasText: /Walkthrough|Welcome|Get started/ }).first();
  /** The Welcome tab may have moved on to its start page; the palette brings the walkthrough itself back. */
  const showWalkthrough = async () => {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await pickQuickItem(page, 'Get started with Runbook Agent', 'Get started with Runbook Agent');
    await page.locator(STEP('index')).waitFor({ state: 'attached', timeout: 30_000 });
  };
  const checked = (id: string) => page.locator(STEP(id)).getAttribute('aria-checked');
  /** Every step's state, in the test's output when an assertion fails. */
  const states = async () => Object.fromEntries(await Promise.all(STEPS.map(async (id) => [id, await checked(id)] as const)));
  const button = (name: string) => panel.getByRole('button', { name, exact: true });
  const card = () => panel.locator('[data-testid="approval"]');
  const quickRow = (label: string) => page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  const setTheme = async (theme: string) => {
    await focusWorkbench();
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input[type="text"]');
    await input.fill('>Preferences: Color Theme');
    await quickRow('Preferences: Color Theme').click();
    await input.fill(theme);
    await quickRow(theme).click();
  };

  it('Show Panel wakes the extension, and the first run opens the walkthrough with nothing ticked that was not done', async () => {
    await runCommand(page, 'Runbook Agent: Show Panel');
    await panel.locator('#list-title').waitFor({ timeout: 60_000 });
    await walkthroughTab().waitFor({ timeout: 60_000 });
    await showWalkthrough();
    await screenshot(page, 'first-run-walkthrough');
    // The first index pass runs by itself at start: its step ticks without the person pressing anything.
    await expect.poll(states, { timeout: 90_000 }).toEqual({ openRunbooks: 'false', index: 'true', triage: 'false', approve: 'false', tier: 'false' });
  });

  it('ticks "Open your runbooks" when a runbook is opened', async () => {
    await openFile(page, 'log-volume-filling-up.md');
    await showWalkthrough();
    await screenshot(page, 'first-run-walkthrough-runbook-opened');
    await expect.poll(states, { timeout: 30_000 }).toMatchObject({ openRunbooks: 'true', index: 'true' });
  });

  it('triage, the tier and an approval (both in the panel, not through the commands) tick the rest', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json');
    // In the panel, not through the command: the step must tick all the same.
    await button('Switch to approved writes').click({ timeout: 90_000 });
    await card().filter({ hasText: 'compress-old-logs' }).filter({ hasText: 'Approval needed' }).waitFor({ timeout: 60_000 });
    await button('Approve').click();
    await card().filter({ hasText: 'compress-old-logs' }).waitFor({ state: 'detached', timeout: 60_000 });
    await showWalkthrough();
    await expect.poll(states, { timeout: 30_000 }).toEqual(Object.fromEntries(STEPS.map((id) => [id, 'true'])));
    await screenshot(page, 'first-run-walkthrough-done');
  });

  it('chips and badges keep a WCAG contrast of at least 4.5:1 in Solarized Light, Solarized Dark and both high-contrast themes', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab', { hasText: 'Runbook Agent' }).last().click();
    await panel.locator('.chip').first().waitFor({ timeout: 30_000 });
    const failures: string[] = [];
    for (const [theme, body] of [
      ['Solarized Light', 'vscode-light'],
      ['Solarized Dark', 'vscode-dark'],
      ['Dark High Contrast', 'vscode-high-contrast'],
      ['Light High Contrast', 'vscode-high-contrast-light'],
    ] as const) {
      await setTheme(theme);
      await panel.locator(`body.${body}`).waitFor({ timeout: 30_000 });
      // The theme's colours reach the webview as CSS variables a moment after the body class.
      await page.waitForTimeout(500);
      const readings = await contrastOf(panel, CHIPS);
      expect(readings.length, theme).toBeGreaterThan(3);
      for (const r of readings) if (r.ratio < 4.5) failures.push(`${theme}: "${r.text}" (${r.classes}) ${r.color} on ${r.background} = ${r.ratio}`);
      await screenshot(page, `first-run-chips-${theme.toLowerCase().replace(/ /g, '-')}`);
    }
    expect(failures).toEqual([]);
  });

  it('Ctrl+K Shift+R shows the panel again after it was closed', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab', { hasText: 'Runbook Agent' }).last().click();
    await runCommand(page, 'View: Close Editor');
    await page.locator('.tabs-container .tab', { hasText: 'Runbook Agent' }).waitFor({ state: 'detached', timeout: 30_000 });
    await chord('R');
    await screenshot(page, 'first-run-after-chord');
    await panel.locator('#list-title').waitFor({ timeout: 30_000 });
  });
});
