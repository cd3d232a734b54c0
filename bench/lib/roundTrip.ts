// Shared by the benchmarks that time a panel round trip in a real code-server (extension.ts, panel.ts).
import type { FrameLocator, Page } from 'playwright-core';
import { runCommand } from '../../test/e2e/harness/browser';
import { pickQuickItem } from '../../test/e2e/harness/editor';

/**
 * Triages the demo workspace's log-volume alert from the palette, as a person would. With its logs filled
 * (`simulate.sh fill-logs`), the plan holds a write: the read-only tier keeps it from running.
 */
export async function triageDemoAlert(page: Page): Promise<void> {
  await runCommand(page, 'Runbook Agent: Triage Alert...');
  await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json');
}

/**
 * Clicks "Switch to approved writes" on the held write and times it to the workflow's header showing the new
 * tier. The webview asks the extension, which asks the engine for the workflow, sets the tier (a row and a
 * chained event in SQLite; the held step goes back to the queue) and reads the workflow back; the webview draws
 * it. No tool runs, and the worker that then turns the held step into an approval card is not waited for.
 */
export async function tierSwitchMs(panel: FrameLocator): Promise<number> {
  const button = panel.getByRole('button', { name: 'Switch to approved writes', exact: true });
  await button.waitFor({ timeout: 90_000 });
  const t = performance.now();
  await button.click();
  await panel.locator('.workflow-header .meta', { hasText: 'tier approved-writes' }).waitFor({ timeout: 30_000 });
  return performance.now() - t;
}
