/**
 * `npm run bench -- panel [--quick]`: the workflow panel in a real code-server driven by chromium, each figure
 * beside a baseline from the same run:
 * - command to panel visible (Show Panel -> workflow list drawn) vs the built-in Markdown preview;
 * - approval click to the step running (click -> the engine commits step_started), to its row showing
 *   "done" and to the next card shown, vs the tier switch round trip on the same workflow ("Switch to approved
 *   writes" click -> the workflow's header shows the new tier: webview -> extension -> engine -> SQLite -> back,
 *   no tool run and no worker waited for);
 * - live update latency: the engine's commit of `step_done` (its time in SQLite) to the row showing "done",
 *   observed in the webview by a MutationObserver with the same wall clock.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FrameLocator, Page } from 'playwright-core';
import { launchBrowser, openWorkbench, runCommand, webview } from '../test/e2e/harness/browser';
import { CodeServer } from '../test/e2e/harness/codeServer';
import { ROOT, VSIX } from '../test/e2e/harness/paths';
import { copyDemoWorkspace } from '../test/e2e/harness/workspace';
import { tierSwitchMs, triageDemoAlert } from './lib/roundTrip';
import { markdownPreviewMs, median } from './lib/workbench';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;

function findDatabase(dir: string): string {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === 'engine.sqlite') return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`no engine.sqlite under ${dir}`);
}

/** Records, in the webview, the wall-clock time each step row first shows each status. */
async function watchRows(panel: FrameLocator): Promise<void> {
  await panel.locator('body').evaluate(() => {
    const w = window as unknown as { seen: Record<string, number> };
    w.seen = {};
    const note = () => {
      document.querySelectorAll('[data-testid="steps"] > li').forEach((li, i) => {
        const status = /status-(\w+)/.exec(li.className)?.[1];
        if (status) w.seen[`${i}:${status}`] ??= Date.now();
      });
      if (document.querySelector('[data-testid="question"]')) w.seen.question ??= Date.now();
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  });
}

async function oneRun() {
  const server = await CodeServer.start('bench-panel', { install: [VSIX] });
  const browser = await launchBrowser();
  try {
    const folder = copyDemoWorkspace(server.work);
    execFileSync('sh', [path.join(folder, 'bin', 'simulate.sh'), 'fill-logs']);
    const page = await openWorkbench(browser, server.workspaceUrl(folder));
    const baselinePreviewMs = await markdownPreviewMs(page);

    const t = await runCommand(page, 'Runbook Agent: Show Panel');
    const panel = webview(page);
    await panel.locator('[data-testid="pending-approvals"]').waitFor({ timeout: 60_000 });
    const panelMs = performance.now() - t;

    await triageDemoAlert(page);
    const tierSwitch = await tierSwitchMs(panel);
    const approve = panel.getByRole('button', { name: 'Approve', exact: true });
    await approve.waitFor({ timeout: 30_000 });
    await watchRows(panel);
    const clickedAt = Date.now();
    await approve.click();
    await panel.locator('[data-testid="question"]').waitFor({ timeout: 60_000 });
    const seen = await panel.locator('body').evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);

    const db = new Database(findDatabase(server.userDataDir), { readonly: true });
    const at = (type: string) =>
      (db.prepare(`SELECT at FROM workflow_events WHERE type = ? AND json_extract(data, '$.stepId') = 'compress-old-logs' ORDER BY seq DESC LIMIT 1`).get(type) as { at: number }).at;
    const started = at('step_started');
    const done = { at: at('step_done') };
    db.close();
    return {
      panelMs,
      baselinePreviewMs,
      tierSwitchMs: tierSwitch,
      // The engine's commit of step_started (the tool is about to run), on the same wall clock as the click.
      approvalToStepRunningMs: started - clickedAt,
      approvalToRowDoneMs: seen['2:done']! - clickedAt,
      approvalToNextCardMs: seen.question! - clickedAt,
      liveUpdateMs: seen['2:done']! - done.at,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main() {
  execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const samples: Array<Awaited<ReturnType<typeof oneRun>>> = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await oneRun());
    console.error(`run ${i + 1}/${runs}: ${JSON.stringify(samples.at(-1), (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
  }
  const med = (key: keyof (typeof samples)[number]) => Math.round(median(samples.map((s) => s[key])) * 10) / 10;
  const result = {
    benchmark: 'panel',
    date: new Date().toISOString(),
    runs,
    median: {
      commandToPanelVisibleMs: med('panelMs'),
      baselineMarkdownPreviewMs: med('baselinePreviewMs'),
      approvalClickToStepRunningMs: med('approvalToStepRunningMs'),
      approvalClickToRowDoneMs: med('approvalToRowDoneMs'),
      approvalClickToNextCardMs: med('approvalToNextCardMs'),
      baselineTierSwitchRoundTripMs: med('tierSwitchMs'),
      liveUpdateCommitToRowMs: med('liveUpdateMs'),
    },
    ratios: {
      panelVsMarkdownPreview: Math.round((med('panelMs') / med('baselinePreviewMs')) * 100) / 100,
      approvalToRunningVsTierSwitch: Math.round((med('approvalToStepRunningMs') / med('tierSwitchMs')) * 100) / 100,
    },
    samples,
  };
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'panel.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ median: result.median, ratios: result.ratios }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
