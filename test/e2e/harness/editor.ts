import type { Locator, Page } from 'playwright-core';
import { acceptQuickInput } from './browser';

/** Opens a workspace file by name through Quick Open, as a person would, and waits for its editor tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await acceptQuickInput(page, 'Control+P', name, name, { attempts: 3, rowTimeoutMs: 10_000 });
  // With the panel open beside, the file may be the active tab of two editor groups.
  await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor({ timeout: 30_000 });
}

/** The CodeLens texts VS Code rendered, in the whole window or in one editor group (see editorGroupOf). */
export function codeLenses(scope: Page | Locator): Locator {
  return scope.locator('.editor-instance .monaco-editor .codelens-decoration');
}

/**
 * The editor group whose active tab is `name`. With the panel open beside, the same file may be active in two
 * groups (either will do: they show the same file), and which group VS Code calls active depends on the focus.
 */
export function editorGroupOf(page: Page, name: string): Locator {
  return page.locator('.editor-group-container', { has: page.locator('.tabs-container .tab.active', { hasText: name }) }).first();
}

/** A notification toast whose text matches. */
export function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/**
 * Accepts the row of the open quick input that shows `text` with Enter, keyboard only: `filter` is typed first
 * so that row is the focused one. `title` waits for the command's own quick pick to replace the palette.
 */
export async function pickQuickItem(page: Page, text: string | RegExp, filter?: string, title?: string): Promise<void> {
  if (title) await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor();
  if (filter !== undefined) await input.fill(filter);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: text }).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}
