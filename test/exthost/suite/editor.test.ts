import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { describeLast } from '../../../extension/editor/stepResults';

const ID = 'runbook-agent.runbook-agent';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { scope?: string }> };
    menus: Record<string, Array<{ command: string; when?: string }>>;
    walkthroughs: Array<{ steps: Array<{ description: string; media: { markdown?: string } }> }>;
  };
}

const manifest = () => vscode.extensions.getExtension(ID)!.packageJSON as Manifest;

/** Polls the provider until the engine's answer is in (the first request also starts the engine). */
async function lensesOf(uri: vscode.Uri, ms: number): Promise<vscode.CodeLens[]> {
  const end = Date.now() + ms;
  for (;;) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    if (lenses.some((l) => l.command?.title === '▶ Run runbook') || Date.now() > end) return lenses;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('Runbook Agent in the editor', () => {
  const runbook = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'runbooks', 'log-volume-filling-up.md');

  it('registers every workflow command, each contributed under the "Runbook Agent" category', async () => {
    await vscode.extensions.getExtension(ID)!.activate();
    const registered = await vscode.commands.getCommands(true);
    const ids = [
      'triageAlert', 'runRunbook', 'searchRunbooks', 'reindexRunbooks', 'openPanel', 'approvePending', 'rejectPending', 'answerQuestion',
      'disableWrites', 'enableWrites', 'exportTrace', 'openEventLog', 'showWorkflow', 'setLlmApiKey', 'setTier',
      'tickChecklist', 'markResolved', 'escalateNow', 'cancelWorkflow', 'retryFromStep', 'useAnotherRunbook', 'archiveWorkflow', 'exportIncidentReport',
    ].map((c) => `runbookAgent.${c}`);
    const contributed = new Map(manifest().contributes.commands.map((c) => [c.command, c]));
    for (const id of ids) {
      assert.ok(registered.includes(id), `${id} is registered`);
      assert.equal(contributed.get(id)?.category, 'Runbook Agent', `${id} is contributed with its category`);
    }
    assert.equal(contributed.get('runbookAgent.reindexRunbooks')?.title, 'Reindex Workspace');
    assert.equal(contributed.get('runbookAgent.openPanel')?.title, 'Show Panel');
    assert.equal(contributed.get('runbookAgent.exportIncidentReport')?.title, 'Export Incident Report');
    assert.equal(contributed.get('runbookAgent.tickChecklist')?.title, 'Tick Checklist Item');
  });

  it('keeps settings that widen what runs out of a workspace\'s reach (application scope)', () => {
    const props = manifest().contributes.configuration.properties;
    for (const key of ['policy.rules', 'policy.approveReads', 'tools.allowedHosts', 'prometheus.url', 'alertmanager.url', 'llm.provider', 'llm.baseUrl', 'llm.fastModel', 'llm.strongModel']) {
      assert.equal(props[`runbookAgent.${key}`]?.scope, 'application', `runbookAgent.${key}`);
    }
    assert.ok(!Object.keys(props).some((k) => /key|token|secret/i.test(k)), 'no setting holds a credential');
  });

  it('offers Run This Runbook only for Markdown, and hides Show Workflow (it needs an id) from the palette', () => {
    const { menus } = manifest().contributes;
    assert.match(menus['editor/title']!.find((m) => m.command === 'runbookAgent.runRunbook')!.when!, /resourceLangId == '?markdown/);
    assert.match(menus['editor/context']!.find((m) => m.command === 'runbookAgent.runRunbook')!.when!, /resourceLangId == '?markdown/);
    assert.equal(menus.commandPalette!.find((m) => m.command === 'runbookAgent.showWorkflow')!.when, 'false');
  });

  it('ships a walkthrough whose steps have their markdown and a command link', () => {
    const root = vscode.extensions.getExtension(ID)!.extensionPath;
    const steps = manifest().contributes.walkthroughs[0]!.steps;
    assert.equal(steps.length, 5);
    for (const step of steps) {
      assert.ok(fs.existsSync(path.join(root, step.media.markdown!)), `${step.media.markdown} exists`);
      assert.match(step.description, /\(command:[\w.]+/);
    }
  });

  it('words a step\'s last result for the CodeLens', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(describeLast({ workflowId: 'w', status: 'done', at: '2026-11-24T09:58:00Z', exitCode: 0, output: '' }, now), '✓ exit 0 · 2 min ago');
    assert.equal(describeLast({ workflowId: 'w', status: 'failed', at: '2026-11-24T07:00:00Z', exitCode: 1, output: '' }, now), '✗ failed · exit 1 · 3 h ago');
    assert.equal(describeLast({ workflowId: 'w', status: 'waiting', at: '2026-11-24T09:59:59Z', exitCode: null, output: '' }, now), '$(debug-pause) waiting');
  });

  it('puts "Run runbook" and each step\'s risk above a demo runbook once the engine knows its steps', async () => {
    const doc = await vscode.workspace.openTextDocument(runbook());
    await vscode.window.showTextDocument(doc);
    const titles = (await lensesOf(doc.uri, 30_000)).map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('▶ Run runbook'), `lenses: ${JSON.stringify(titles)}`);
    assert.ok(titles.some((t) => /^read\b/.test(t)), `a read step: ${JSON.stringify(titles)}`);
    assert.ok(titles.some((t) => /^write\b/.test(t)), `a write step: ${JSON.stringify(titles)}`);
  });

  it('shows a step\'s risk in a hover over its code block', async () => {
    const doc = await vscode.workspace.openTextDocument(runbook());
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('find logs/') && l.includes('gzip'));
    assert.ok(line > 0, 'the compress step is in the demo runbook');
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 2))) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Runbook Agent.*write/);
  });

  it('triages the demo alert from the clipboard, and the runbook\'s CodeLens then shows what ran and what waits', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri;
    const alert = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'alerts', 'log-volume-filling-up.json')));
    await vscode.env.clipboard.writeText(alert);
    // "From clipboard" is the quick pick's first item; the single workspace folder needs no second pick.
    let settled = false;
    const triage = Promise.resolve(vscode.commands.executeCommand('runbookAgent.triageAlert')).finally(() => (settled = true));
    // The quick pick opens asynchronously: accept until the command moves on.
    while (!settled) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await Promise.race([triage, new Promise((resolve) => setTimeout(resolve, 300))]);
    }
    await triage;
    const doc = await vscode.workspace.openTextDocument(runbook());
    await vscode.window.showTextDocument(doc);
    const titles = async () => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri)) ?? []).map((l) => l.command?.title ?? '');
    const end = Date.now() + 60_000;
    let seen = await titles();
    while (!(seen.some((t) => t.startsWith('✓ exit 0')) && seen.includes('$(debug-pause) waiting')) && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      seen = await titles();
    }
    assert.ok(seen.some((t) => t.startsWith('✓ exit 0')), `a diagnosis ran: ${JSON.stringify(seen)}`);
    assert.ok(seen.includes('$(debug-pause) waiting'), `the compress step waits: ${JSON.stringify(seen)}`);
  });
});
