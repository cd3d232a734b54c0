import fs from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import {
  approveStep,
  answerQuestion,
  archiveWorkflow,
  cancelWorkflow,
  editStep,
  escalateNow,
  listWorkflows,
  markResolved,
  rejectStep,
  retryStep,
  setTier,
  tickChecklist,
  workflowsChanged,
  workflowView,
  type WorkflowPanelView,
} from '../protocol/agent';
import { describeIssues } from '../protocol/define';
import { forgetMemory } from '../protocol/memory';
import { health } from '../protocol/engine';
import { FromWebview, ToWebview } from '../protocol/webview';
import type { EngineClient } from './engineClient';
import { panelHtml, panelOptions } from './panelHtml';
import { ReadyWatchdog } from './readyWatchdog';
import { PanelSelection } from './panelSelection';
import { markStepDone, STEP_DONE } from './walkthrough';

type OpenSource = Extract<FromWebview, { type: 'openSource' }>;

/** Engine notifications often come in bursts (one per transition); one refresh covers a burst. */
const REFRESH_DEBOUNCE_MS = 50;

/** The single "Runbook Agent" panel: relays validated messages between its webview and the engine. */
/** How long the panel's page may take to say 'ready' before it is loaded again, and how many times (readyWatchdog.ts). */
const PAGE_START_MS = 15_000;
const PAGE_RELOADS = 2;

export class PanelController implements vscode.Disposable {
  static readonly viewType = 'runbookAgent.panel';
  private static current: PanelController | undefined;
  /** onNotification handlers cannot be removed, so each client gets one that forwards to the open panel. */
  private static readonly listening = new WeakSet<EngineClient>();
  private readonly disposables: vscode.Disposable[] = [];
  private selectedId: string | null = null;
  /** Asked for by a command before the webview could hear it; wins over the webview's saved choice once. */
  private requestedId: string | null = null;
  private refreshTimer: NodeJS.Timeout | undefined;
  private viewDirty = false;
  /** The list shows archived workflows too (the panel's "Show archived"). */
  private showArchived = false;
  private readonly selection: PanelSelection;
  private readonly watchdog: ReadyWatchdog;

  static show(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): PanelController {
    if (PanelController.current) {
      PanelController.current.panel.reveal();
      return PanelController.current;
    }
    const panel = vscode.window.createWebviewPanel(PanelController.viewType, 'Runbook Agent', vscode.ViewColumn.Beside, {
      ...panelOptions(context.extensionUri),
      retainContextWhenHidden: false,
    });
    return PanelController.attach(panel, context, engine, log);
  }

  /** Opens the panel on one workflow (the tree view's and CodeLens's "Show Workflow"). */
  static showWorkflow(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel, id: string): PanelController {
    const controller = PanelController.show(context, engine, log);
    controller.requestedId = id;
    controller.remember(id);
    void controller.post({ type: 'selected', id });
    void controller.sendView(id);
    return controller;
  }

  /** Takes over a panel VS Code restored after a window reload (see panelSerializer.ts). */
  static restore(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): PanelController {
    PanelController.current?.dispose();
    panel.webview.options = panelOptions(context.extensionUri);
    const controller = PanelController.attach(panel, context, engine, log);
    // Told at once, not only in answer to 'ready': a page whose saved state was lost must not pick the
    // newest workflow from the first list it hears of.
    const remembered = controller.selection.get();
    if (remembered) void controller.post({ type: 'selected', id: remembered });
    return controller;
  }

  private static attach(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): PanelController {
    if (!PanelController.listening.has(engine)) {
      PanelController.listening.add(engine);
      engine.onNotification(workflowsChanged, ({ ids }) => PanelController.current?.changed(ids));
    }
    PanelController.current = new PanelController(panel, context, engine, log);
    return PanelController.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.selection = new PanelSelection(context, log);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
    this.watchdog = new ReadyWatchdog({
      waitMs: PAGE_START_MS,
      reloads: PAGE_RELOADS,
      reload: (attempt) => {
        log.warn(`the panel's page did not start within ${PAGE_START_MS / 1000} s; loading it again (${attempt} of ${PAGE_RELOADS})`);
        panel.webview.html = panelHtml(panel.webview, context.extensionUri);
      },
      giveUp: () => {
        log.error(`the panel's page did not start after ${PAGE_RELOADS} reloads`);
        void vscode.window
          .showErrorMessage('The Runbook Agent panel did not load: VS Code could not serve its script. Reloading the window usually helps.', 'Reload Window')
          .then((choice) => choice && vscode.commands.executeCommand('workbench.action.reloadWindow'));
      },
    });
    panel.webview.html = panelHtml(panel.webview, context.extensionUri);
    // A hidden panel's page loads only when it is shown (retainContextWhenHidden is off): only a visible one is timed.
    let visible = panel.visible;
    if (visible) this.watchdog.loaded();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      engine.onDidRestart(() => {
        void this.sendHealth();
        this.changed([]);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void this.sendHealth();
        this.changed([]);
      }),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible && !visible) this.watchdog.loaded();
        if (!webviewPanel.visible) this.watchdog.stop();
        visible = webviewPanel.visible;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = FromWebview.safeParse(raw);
    if (!parsed.success) {
      const message = `rejected a malformed message from the panel: ${describeIssues(parsed.error)}`;
      this.log.warn(message);
      return this.post({ type: 'error', message });
    }
    const m = parsed.data;
    try {
      switch (m.type) {
        case 'ready':
          this.watchdog.ready();
          return await this.ready(m.selectedId ?? null);
        case 'refreshHealth':
          return await this.sendHealth();
        case 'refresh':
          return await this.refresh(true);
        case 'select':
          this.requestedId = null;
          this.remember(m.id);
          return await this.sendView(m.id);
        case 'approve':
          return await this.act(m.id, () => this.engine.request(approveStep, { id: m.id, stepId: m.stepId, inputHash: m.inputHash }).then(done(STEP_DONE.approved)));
        case 'reject':
          return await this.act(m.id, () => this.engine.request(rejectStep, { id: m.id, stepId: m.stepId, reason: m.reason }));
        case 'edit':
          return await this.act(m.id, () => this.engine.request(editStep, { id: m.id, stepId: m.stepId, command: m.command }));
        case 'answer':
          return await this.act(m.id, () => this.engine.request(answerQuestion, { id: m.id, value: m.value }));
        case 'tick':
          return await this.act(m.id, () => this.engine.request(tickChecklist, { id: m.id, stepId: m.stepId, outcome: m.outcome, note: m.note }));
        case 'markResolved':
          return await this.act(m.id, () => this.engine.request(markResolved, { id: m.id, note: m.note }));
        case 'escalateNow':
          return await this.act(m.id, () => this.engine.request(escalateNow, { id: m.id, note: m.note }));
        case 'cancel':
          return await this.act(m.id, () => this.engine.request(cancelWorkflow, { id: m.id, note: m.note }));
        case 'retry':
          return await this.act(m.id, () => this.engine.request(retryStep, { id: m.id, stepId: m.stepId }));
        case 'archive':
          return await this.act(m.id, () => this.engine.request(archiveWorkflow, { id: m.id }));
        case 'forgetMemory':
          // Allowed in Restricted Mode, like the CLI's `memory forget` and the RPC: it deletes a stored memory and
          // runs nothing from the workspace (the event log records who forgot it).
          return await this.act(m.id, () => this.forgetMemory(m.id, m.memoryId));
        case 'exportReport':
          await vscode.commands.executeCommand('runbookAgent.exportIncidentReport', m.id);
          return;
        case 'useRunbook':
          await vscode.commands.executeCommand('runbookAgent.useAnotherRunbook', m.id);
          return;
        case 'showArchived':
          this.showArchived = m.show;
          return await this.sendList();
        case 'setTier':
          return await this.act(m.id, async () => {
            // The workspace comes from the engine's own record of the workflow, never from the webview.
            const { workflow } = await this.engine.request(workflowView, { id: m.id });
            await this.engine.request(setTier, { workspace: workflow.workspace, tier: m.tier });
            markStepDone(STEP_DONE.tierChosen);
            return this.engine.request(workflowView, { id: m.id });
          });
        case 'openSource':
          return await this.openSource(m);
        case 'runCommand':
          await vscode.commands.executeCommand(m.command);
          return;
      }
    } catch (error) {
      this.log.error(`panel request ${m.type} failed: ${(error as Error).message}`);
      return this.post({ type: 'error', message: (error as Error).message });
    }
  }

  /**
   * The open workflow, also kept on the extension host's disk: the webview's own state can be lost when the
   * window reloads right after a selection, and a restored panel must show what the person last looked at.
   */
  private remember(id: string): void {
    this.selectedId = id;
    this.selection.set(id);
  }

  private async ready(saved: string | null): Promise<void> {
    this.selectedId = this.requestedId ?? this.selection.get() ?? saved;
    this.requestedId = null;
    await this.post({ type: 'selected', id: this.selectedId });
    await Promise.all([this.sendHealth(), this.refresh(true)]);
  }

  /** Runs a person's decision; the engine answers with the workflow as it now stands. */
  private async act(id: string, run: () => Promise<WorkflowPanelView>): Promise<void> {
    try {
      await this.post({ type: 'view', view: await run() });
    } catch (error) {
      const message = (error as Error).message;
      this.log.warn(`panel action on ${id} refused: ${message}`);
      await this.post({ type: 'actionFailed', id, message });
    }
    this.changed([id]);
  }

  /**
   * Forgets a memory the workflow's "Last time" card shows (and no other: the id is checked against the engine's own
   * view of that workflow, not taken from the webview alone); the view that comes back no longer has it.
   */
  private async forgetMemory(id: string, memoryId: string): Promise<WorkflowPanelView> {
    const view = await this.engine.request(workflowView, { id });
    if (!view.lastTime?.some((m) => m.memoryId === memoryId)) throw new Error(`memory ${memoryId} is not on this workflow's "Last time" card (forgotten already?)`);
    await this.engine.request(forgetMemory, { id: memoryId });
    return this.engine.request(workflowView, { id });
  }

  private changed(ids: readonly string[]): void {
    this.viewDirty ||= ids.length === 0 || (this.selectedId !== null && ids.includes(this.selectedId));
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      const withView = this.viewDirty;
      this.viewDirty = false;
      void this.refresh(withView);
    }, REFRESH_DEBOUNCE_MS);
  }

  /** A hidden panel has no page to update; it asks for everything again when it is shown (ready). */
  private async refresh(withView: boolean): Promise<void> {
    if (!this.panel.visible) return;
    await Promise.all([this.sendList(), withView && this.selectedId ? this.sendView(this.selectedId) : undefined]);
  }

  private async sendList(): Promise<void> {
    try {
      const { workflows, pendingApprovals, needsPerson } = await this.engine.request(listWorkflows, { archived: this.showArchived });
      await this.post({ type: 'workflows', workflows, pendingApprovals, needsPerson });
    } catch (error) {
      await this.post({ type: 'listFailed', message: (error as Error).message });
    }
  }

  private async sendView(id: string): Promise<void> {
    try {
      await this.post({ type: 'view', view: await this.engine.request(workflowView, { id }) });
    } catch (error) {
      await this.post({ type: 'viewFailed', id, message: (error as Error).message });
    }
  }

  private async sendHealth(): Promise<void> {
    try {
      await this.post({ type: 'health', health: await this.engine.request(health, {}) });
    } catch (error) {
      await this.post({ type: 'error', message: `engine health check failed: ${(error as Error).message}` });
    }
  }

  /** Opens a runbook range beside the panel, but only a file inside one of the workspace folders. */
  private async openSource(m: OpenSource): Promise<void> {
    const uri = await insideWorkspace(m.root, m.path);
    if (!uri) {
      const message = `refused to open ${m.path}: it is not a file inside this window's workspace folders`;
      this.log.warn(message);
      return this.post({ type: 'error', message });
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const last = Math.min(Math.max(m.startLine, m.endLine, 1), doc.lineCount) - 1;
    const first = Math.min(Math.max(m.startLine, 1) - 1, last);
    const range = new vscode.Range(first, 0, last, doc.lineAt(last).text.length);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: range, preview: true });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async post(message: ToWebview): Promise<void> {
    await this.panel.webview.postMessage(ToWebview.parse(message));
  }

  dispose(): void {
    if (PanelController.current === this) PanelController.current = undefined;
    clearTimeout(this.refreshTimer);
    this.watchdog.stop();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Passes a result through once it arrived, marking a walkthrough step done on the way. */
function done<T>(step: (typeof STEP_DONE)[keyof typeof STEP_DONE]): (value: T) => T {
  return (value) => (markStepDone(step), value);
}

/**
 * `root`/`relative` resolved, if the real file (symlinks followed) lies inside the real path of a workspace
 * folder. The webview only echoes paths the engine reported, but a path is checked where it is used.
 */
async function insideWorkspace(root: string, relative: string): Promise<vscode.Uri | undefined> {
  const target = path.resolve(root, relative);
  const real = await fs.realpath(target).catch(() => undefined);
  if (!real || !(await fs.stat(real).catch(() => undefined))?.isFile()) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const base = await fs.realpath(folder.uri.fsPath).catch(() => undefined);
    const rel = base === undefined ? '..' : path.relative(base, real);
    if (rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)) return vscode.Uri.file(target);
  }
  return undefined;
}
