// Shared by the benchmarks that drive a real code-server (extension.ts, panel.ts).
import type { FrameLocator, Page } from 'playwright-core';
import { runCommand } from '../../test/e2e/harness/browser';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The baseline for "command to panel visible": the built-in Markdown preview (also a webview, also
 * activating its extension), opened from the palette the same way. Closes every editor afterwards.
 */
/** The built-in Markdown preview's frame (the harness's `webview()` finds Runbook Agent's panel only). */
function markdownPreview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready[src*="extensionId=vscode.markdown-language-features&"]').frameLocator('iframe#active-frame');
}

export async function markdownPreviewMs(page: Page): Promise<number> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input[type="text"]').fill('README.md');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'README.md' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: 'README.md' }).waitFor();
  const t = await runCommand(page, 'Markdown: Open Preview to the Side');
  await markdownPreview(page).getByRole('heading', { name: 'Demo workspace' }).waitFor({ timeout: 60_000 });
  const ms = performance.now() - t;
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tab').first().waitFor({ state: 'detached' });
  return ms;
}
