import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, screenshot, scrollTo, webview } from './harness/browser';
import type { CodeServer } from './harness/codeServer';
import { codeLenses, openFile, pickQuickItem } from './harness/editor';
import { ROOT } from './harness/paths';
import { openWorkspace } from './harness/workspace';

/** The recorded kubectl (Kubernetes cannot run here): it answers only recorded argv and refuses every other verb. */
const KUBECTL = path.join(ROOT, 'test', 'fixtures', 'kubectl');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'e2e-kube');
const RUNBOOK = 'KubePodCrashLooping.md';

interface LintJson {
  files: Array<{ path: string; findings: Array<{ line: number; rule: string; message: string }> }>;
}

/**
 * kube-prometheus's public KubePodCrashLooping runbook (prose only: inline `kubectl -n $NAMESPACE …` commands) and
 * its alert, in a real VS Code: CodeLens on its prose commands, its lint findings in the Problems panel, and a
 * triage whose plan runs the runbook's own describe/logs commands against the recorded cluster (OOMKilled) and
 * turns its prose advice into a checklist.
 */
describe('the public KubePodCrashLooping runbook in the editor (code-server + chromium, recorded kubectl)', () => {
  let server: CodeServer;
  let ws: Awaited<ReturnType<typeof openWorkspace>> | undefined;
  let page: Page;
  let panel: FrameLocator;
  let lint: LintJson;

  beforeAll(async () => {
    ws = await openWorkspace('kube-runbook', FIXTURE, {
      settings: {
        'runbookAgent.kubernetes.context': 'fixture-context',
        'runbookAgent.kubernetes.kubeconfig': path.join(KUBECTL, 'kubeconfig.yaml'),
      },
      // The extension host, and so the engine it starts, inherit this PATH: `kubectl` is the recording. VS Code's
      // server would otherwise take the extension host's environment from a login shell (resolveShellEnv), whose
      // profile resets PATH; VSCODE_CLI=1 is its documented way to skip that, as when launched from a terminal.
      env: { PATH: `${KUBECTL}${path.delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: '', VSCODE_CLI: '1' },
    });
    server = ws.server;
    page = ws.page;
    panel = webview(page);
    // What `runbook-agent lint` says of the same files: the Problems panel must show the same findings.
    const out = (() => {
      try {
        return execFileSync(process.execPath, [path.join(ROOT, 'bin', 'runbook-agent.js'), 'lint', '--workspace', ws.folder, '--json'], { encoding: 'utf8' });
      } catch (error) {
        return (error as { stdout: string }).stdout; // exit 1: something was found
      }
    })();
    lint = JSON.parse(out) as LintJson;
  });

  afterAll(async () => {
    await ws?.stop();
  });

  const findingsOf = (name: string) => lint.files.find((f) => f.path.endsWith(name))?.findings ?? [];
  const problems = () => page.locator('.markers-panel .monaco-list-row');

  it('shows CodeLens on the runbook\'s prose commands (inline code in list items, no fence)', async () => {
    await openFile(page, RUNBOOK);
    await codeLenses(page).filter({ hasText: '▶ Run runbook' }).waitFor({ timeout: 90_000 });
    // One lens per prose command (get, describe, logs) besides "Run runbook": each says how it is classified.
    await expect.poll(async () => (await codeLenses(page).allTextContents()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    const texts = (await codeLenses(page).allTextContents()).filter((t) => !t.includes('Run runbook'));
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const t of texts) expect(t).toMatch(/^(read|write)\b/);
    // Each step's lens sits right above the list item that holds its inline command.
    const editor = page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
    const below = await editor.evaluate((root) => {
      const lines = Array.from(root.querySelectorAll('.view-line')).map((l) => ({ top: l.getBoundingClientRect().top, text: l.textContent ?? '' }));
      return Array.from(root.querySelectorAll('.codelens-decoration'))
        .filter((lens) => !(lens.textContent ?? '').includes('Run runbook'))
        .map((lens) => {
          const bottom = lens.getBoundingClientRect().bottom;
          const next = lines.filter((l) => l.top >= bottom - 2).sort((a, b) => a.top - b.top)[0];
          return next?.text.replace(/\u00a0/g, ' ') ?? '';
        });
    });
    expect(below.sort()).toEqual([
      '- Check pod events via `kubectl -n $NAMESPACE describe pod $POD`.',
      '- Check pod logs via `kubectl -n $NAMESPACE logs $POD -c $CONTAINER`',
      '- Check template via `kubectl -n $NAMESPACE get pod $POD`.',
    ]);
    await screenshot(page, 'kube-runbook-codelens');
  });

  it('lists the runbook\'s lint findings in the Problems panel, under the source "Runbook Agent", with their codes', async () => {
    await openFile(page, 'restart-widget-queue.md');
    await runCommand(page, 'Focus on Problems View');
    await page.locator('.markers-panel').waitFor({ timeout: 30_000 });
    // The test's own runbook always has one: a placeholder no alert label fills.
    const placeholder = problems().filter({ hasText: 'no alert label fills $WIDGET_UNIT' });
    await placeholder.first().waitFor({ timeout: 90_000 });
    expect(await placeholder.first().textContent()).toMatch(/Runbook Agent/);
    expect(await placeholder.first().textContent()).toMatch(/unfilled-placeholder/);
    const kube = findingsOf(RUNBOOK);
    const fileRow = problems().filter({ hasText: RUNBOOK });
    if (kube.length > 0) {
      await fileRow.first().waitFor({ timeout: 60_000 });
      for (const f of kube) {
        const row = problems().filter({ hasText: f.message.slice(0, 60) }).filter({ hasText: f.rule });
        await row.first().waitFor({ timeout: 30_000 });
        expect(await row.first().textContent()).toContain(`[Ln ${f.line},`);
      }
    } else {
      expect(await fileRow.count()).toBe(0);
    }
    await screenshot(page, 'kube-runbook-problems');
  });

  it('triages the alert into a plan: the runbook\'s describe/logs commands ran against the cluster, its advice is a checklist', async () => {
    await runCommand(page, 'Runbook Agent: Triage Alert...');
    await pickQuickItem(page, 'KubePodCrashLooping.json', 'KubePodCrashLooping.json', 'Triage Alert');
    // The prose advice ("Check pod template parameters such as …") waits for a person as a checklist item.
    const checklist = panel.locator('[data-testid="checklist"]');
    await checklist.filter({ hasText: 'Check pod template parameters' }).waitFor({ timeout: 120_000 });
    const steps = panel.locator('[data-testid="steps"] > li');
    const step = (command: string) => steps.filter({ has: panel.locator('pre.step-command', { hasText: command }) }).first();
    const describePod = step('kubectl -n shop describe pod checkout-7c9f8b6d4-x2x9q');
    const logs = step('kubectl -n shop logs checkout-7c9f8b6d4-x2x9q -c checkout');
    const get = step('kubectl -n shop get pod checkout-7c9f8b6d4-x2x9q');
    for (const s of [describePod, logs, get]) {
      await s.waitFor({ timeout: 30_000 });
      expect(await s.getAttribute('class'), (await s.textContent()) ?? '').toMatch(/status-done/);
    }
    // describe shows why it restarts (the recording's last state: OOMKilled) and the pod's events.
    await describePod.locator('summary').click();
    const describeOut = describePod.locator('pre.output');
    await describeOut.waitFor();
    const text = (await describeOut.textContent()) ?? '';
    expect(text).toContain('OOMKilled');
    expect(text).toMatch(/Events:[\s\S]*Back-off restarting failed container/);
    await logs.locator('summary').click();
    const logsOut = logs.locator('pre.output');
    await logsOut.waitFor();
    expect(await logsOut.textContent()).toContain('cart cache above 80% of the memory limit');
    // The password in the logged DSN never reaches the panel.
    expect(await logsOut.textContent()).not.toContain('s3cr3t-pa55');
    // The prose advice is in the plan as checklist steps for a person (the template parameters, the mitigation).
    const checklistSteps = steps.filter({ has: panel.locator('.step-tool', { hasText: 'checklist' }) });
    expect(await checklistSteps.count()).toBeGreaterThanOrEqual(2);
    expect(await checklistSteps.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Talk with developers')]));
    await scrollTo(describePod);
    await screenshot(page, 'kube-runbook-plan');
    expect(server.outputChannelLog('Runbook Agent')).not.toMatch(/triage failed/);
  });
});
