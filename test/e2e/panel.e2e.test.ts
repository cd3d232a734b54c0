import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openWorkbench, runCommand, screenshot, webview } from './harness/browser';
import { CodeServer } from './harness/codeServer';
import { pickQuickItem } from './harness/editor';
import { VSIX } from './harness/paths';
import { copyDemoWorkspace } from './harness/workspace';

describe('the installed .vsix in a real VS Code (code-server + chromium)', () => {
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let folder: string;

  beforeAll(async () => {
    server = await CodeServer.start('panel', { install: [VSIX] });
    folder = copyDemoWorkspace(server.work);
    // Old logs to compress: the demo alert's plan then holds a write for the tier switch below.
    execFileSync('sh', [path.join(folder, 'bin', 'simulate.sh'), 'fill-logs']);
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.workspaceUrl(folder));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists the installed extension', () => {
    const installed = fs.readdirSync(path.join(server.work, 'extensions'));
    expect(installed.some((name) => name.startsWith('runbook-agent.runbook-agent-0.1.0'))).toBe(true);
  });

  it('opens the panel from the command palette and shows the engine answering', async () => {
    await runCommand(page, 'Runbook Agent: Show Panel');
    const panel = webview(page);
    // Health lives in the folded "Engine" section at the bottom, as a person would find it.
    const engine = panel.locator('details.engine > summary');
    await engine.filter({ hasText: 'Engine: answering' }).waitFor({ timeout: 60_000 });
    await engine.click();
    const facts = panel.locator('[data-testid="health"]');
    await facts.waitFor({ timeout: 60_000 });
    await expect.poll(() => facts.textContent()).toMatch(/answering/);
    const text = (await facts.textContent()) ?? '';
    expect(text).toMatch(/SQLite3\.\d+/);
    expect(text).toMatch(/ONNX Runtime1\.30\.0/);
    // The model shipped inside the .vsix, found without any setting.
    expect(text).toMatch(/extensions\/runbook-agent\.runbook-agent-0\.1\.0[^/]*\/models\/static-ops-embed-256/);
    await screenshot(page, 'panel-health');
  });

  it('serves the panel under a strict CSP: scripts only with our nonce, nothing inline or remote', async () => {
    const csp = (await webview(page).locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    // Scripts: our nonce and nothing else (no host, no 'unsafe-*'); styles and images: the webview's own origin.
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    // VS Code adds a script of its own to every webview; ours is the bundle, and it carries our nonce.
    const scripts = webview(page).locator('script[src$="/dist/webview/panel.js"]');
    expect(await scripts.count()).toBe(1);
    // Browsers hide the nonce attribute from the DOM after load; the property keeps it.
    expect(await scripts.first().evaluate((el) => (el as HTMLScriptElement).nonce)).toBe(nonce);
  });

  it('round-trips a button click webview -> extension -> engine -> SQLite and back: the held write\'s tier switch', async () => {
    const panel = webview(page);
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'log-volume-filling-up.json', 'log-volume-filling-up.json');
    const card = panel.locator('[data-testid="approval"]');
    await card.filter({ hasText: 'Held' }).waitFor({ timeout: 90_000 });
    const meta = panel.locator('.workflow-header .meta');
    expect(await meta.textContent()).toMatch(/tier read-only/);

    // The engine writes the tier and its event to SQLite and answers with the workflow as it now stands.
    await panel.getByRole('button', { name: 'Switch to approved writes', exact: true }).click();
    await expect.poll(() => meta.textContent(), { timeout: 30_000 }).toMatch(/tier approved-writes/);
    await card.filter({ hasText: 'Approval needed' }).waitFor({ timeout: 30_000 });
    expect(await panel.getByRole('button', { name: 'Approve', exact: true }).isEnabled()).toBe(true);
    await screenshot(page, 'panel-tier-switched');

    const dbPath = /Database(\/\S+engine\.sqlite)/.exec((await panel.locator('[data-testid="health"]').textContent()) ?? '')?.[1];
    expect(dbPath).toBeDefined();
    expect(dbPath!.startsWith(server.userDataDir)).toBe(true);
    const db = new Database(dbPath!, { readonly: true });
    try {
      expect(db.prepare('SELECT root, tier FROM workspace_tiers').all()).toEqual([{ root: expect.stringMatching(/demo-workspace$/), tier: 'approved-writes' }]);
      expect(db.prepare("SELECT json_extract(data, '$.tier') AS tier FROM workflow_events WHERE type = 'tier'").all()).toEqual([{ tier: 'approved-writes' }]);
      // The developer-only check-in table is gone from a new database.
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'check_ins'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('restarts a killed engine, says so without a modal, and the panel recovers', async () => {
    const panel = webview(page);
    const facts = panel.locator('[data-testid="health"]');
    const pid = Number(/pid (\d+)/.exec((await facts.textContent()) ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');

    const toast = page.locator('.notifications-toasts', { hasText: 'the engine stopped unexpectedly and was restarted' });
    await toast.waitFor({ timeout: 60_000 });
    expect(await page.locator('.monaco-dialog-box').count()).toBe(0);
    await expect.poll(async () => Number(/pid (\d+)/.exec((await facts.textContent()) ?? '')?.[1]), { timeout: 60_000 }).not.toBe(pid);
    await screenshot(page, 'engine-restarted');
    expect(server.outputChannelLog('Runbook Agent')).toMatch(/engine stopped unexpectedly; restarting it/);
  });
});
