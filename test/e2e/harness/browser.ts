import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, RESULTS } from './paths';

/** Debian's chromium, headless, with the flags this closed network needs (no background connections). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The explorer shows the folder once the workbench has restored its layout.
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  return page;
}

/**
 * Opens a quick input with `key`, types `text` and accepts the row showing `row` with Enter, as a person would.
 * Right after load a just-registered command can be missing from the list, and a webview that takes focus a
 * moment after a tab click closes the quick input (it closes on blur) before it can be typed into; on either,
 * close it and try again. Returns performance.now() at the moment Enter was pressed.
 */
export async function acceptQuickInput(page: Page, key: string, text: string, row: string, o: { attempts?: number; rowTimeoutMs?: number } = {}): Promise<number> {
  const attempts = o.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press(key);
    try {
      await page.locator('.quick-input-widget input[type="text"]').fill(text, { timeout: 5000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first().waitFor({ timeout: o.rowTimeoutMs ?? 3000 });
      const pressed = performance.now();
      await page.keyboard.press('Enter');
      return pressed;
    } catch (error) {
      if (attempt >= attempts) throw new Error(`"${row}" could not be chosen from the quick input: ${(error as Error).message}`);
    }
  }
}

/** Runs a command from the palette; returns performance.now() when Enter was pressed, to time the command itself. */
export function runCommand(page: Page, title: string, attempts = 6): Promise<number> {
  return acceptQuickInput(page, 'Control+Shift+P', `>${title}`, title, { attempts });
}

/**
 * The content frame of the extension's webview (the panel): two nested iframes in VS Code. Only this extension's
 * iframe counts; the walkthrough's Markdown or a Markdown preview is a webview too.
 */
/**
 * Scrolls to `target` in the panel. The panel renders from scratch on every live update, so the element found can
 * be replaced while Playwright waits for it to be stable ("not attached to the DOM"): find it again and retry.
 */
export async function scrollTo(target: Locator, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await target.scrollIntoViewIfNeeded({ timeout: 5_000 });
    } catch (error) {
      if (Date.now() > until || !/not attached|detached/i.test((error as Error).message)) throw error;
    }
  }
}

export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready[src*="extensionId=runbook-agent.runbook-agent&"]').frameLocator('iframe#active-frame');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
