/**
 * `npm run bench -- extension [--quick]`: what a person waits for, measured in a real code-server driven by
 * chromium, each figure beside a baseline taken in the same run:
 * - activation time (from the extension's own log);
 * - engine start to first response (log) vs forking a bare Node process and one IPC round trip;
 * - command to panel visible (Enter in the palette to the engine's health shown) vs the built-in Markdown
 *   preview (also a webview, also activating its extension) timed the same way;
 * - a panel round trip: the demo alert triaged, then "Switch to approved writes" on its held write clicked to
 *   the new tier shown (webview -> extension -> engine -> SQLite -> back);
 * - .vsix size; the whole flow's wall time (the e2e duration, triage included).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, openWorkbench, runCommand, webview } from '../test/e2e/harness/browser';
import { CodeServer } from '../test/e2e/harness/codeServer';
import { ROOT, VSIX } from '../test/e2e/harness/paths';
import { copyDemoWorkspace } from '../test/e2e/harness/workspace';
import { tierSwitchMs, triageDemoAlert } from './lib/roundTrip';
import { markdownPreviewMs, median } from './lib/workbench';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;

async function bareNodeIpcRoundTrip(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  await new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send('ping');
  });
  const elapsed = performance.now() - started;
  child.kill();
  return elapsed;
}

function logNumber(log: string, pattern: RegExp): number {
  const match = pattern.exec(log);
  if (!match) throw new Error(`pattern ${pattern} not found in the extension log:\n${log.slice(0, 2000)}`);
  return Number(match[1]);
}

async function oneRun() {
  const flowStart = performance.now();
  const server = await CodeServer.start('bench', { install: [VSIX] });
  const browser = await launchBrowser();
  try {
    const folder = copyDemoWorkspace(server.work);
    // Old logs to compress: the triaged plan then holds a write, whose tier switch is the round trip timed.
    execFileSync('sh', [path.join(folder, 'bin', 'simulate.sh'), 'fill-logs']);
    const t0 = performance.now();
    const page = await openWorkbench(browser, server.workspaceUrl(folder));
    const workbenchMs = performance.now() - t0;

    // Baseline: a built-in webview opened from the palette, the same way.
    const previewMs = await markdownPreviewMs(page);

    const t = await runCommand(page, 'Runbook Agent: Show Panel');
    await webview(page).locator('[data-testid="pending-approvals"]').waitFor({ timeout: 60_000 });
    const panelMs = performance.now() - t;
    // Health lives in the folded Engine section.
    await webview(page).locator('#engine-section summary').click();
    await webview(page).locator('[data-testid="health"]').waitFor({ timeout: 60_000 });

    await triageDemoAlert(page);
    const tierSwitch = await tierSwitchMs(webview(page));

    const log = server.outputChannelLog('Runbook Agent');
    return {
      workbenchMs,
      activationMs: logNumber(log, /activated in ([\d.]+) ms/),
      engineStartMs: logNumber(log, /engine started in ([\d.]+) ms/),
      bareNodeIpcMs: await bareNodeIpcRoundTrip(),
      panelMs,
      markdownPreviewMs: previewMs,
      tierSwitchMs: tierSwitch,
      flowMs: performance.now() - flowStart,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main() {
  // Always measure the current code: package a fresh .vsix first.
  execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const samples: Array<Awaited<ReturnType<typeof oneRun>>> = [];
  for (let i = 0; i < runs; i++) {
    samples.push(await oneRun());
    console.error(`run ${i + 1}/${runs}: ${JSON.stringify(samples.at(-1), (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}`);
  }
  const med = (key: keyof (typeof samples)[number]) => Math.round(median(samples.map((s) => s[key])) * 10) / 10;
  const result = {
    benchmark: 'extension',
    date: new Date().toISOString(),
    runs,
    node: process.versions.node,
    vsixBytes: fs.statSync(VSIX).size,
    median: {
      workbenchReadyMs: med('workbenchMs'),
      activationMs: med('activationMs'),
      engineStartToFirstResponseMs: med('engineStartMs'),
      baselineBareNodeIpcMs: med('bareNodeIpcMs'),
      commandToPanelVisibleMs: med('panelMs'),
      baselineMarkdownPreviewMs: med('markdownPreviewMs'),
      tierSwitchRoundTripMs: med('tierSwitchMs'),
      e2eFlowMs: med('flowMs'),
    },
    ratios: {
      engineStartVsBareNode: Math.round((median(samples.map((s) => s.engineStartMs)) / median(samples.map((s) => s.bareNodeIpcMs))) * 100) / 100,
      panelVsMarkdownPreview: Math.round((median(samples.map((s) => s.panelMs)) / median(samples.map((s) => s.markdownPreviewMs))) * 100) / 100,
    },
    samples,
  };
  fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'results', 'extension.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ vsixBytes: result.vsixBytes, median: result.median, ratios: result.ratios }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
