import * as vscode from 'vscode';
import { registerPanelSerializer } from './panelSerializer';
import { health, type Health } from '../protocol/engine';
import { lmChat } from '../protocol/lm';
import { watchPerson } from './approvalNotifier';
import { registerCommands } from './commands/register';
import { registerRunbookDiagnostics } from './editor/diagnostics';
import { registerRunbookEditor } from './editor/register';
import { EngineClient } from './engineClient';
import * as indexing from './indexing';
import { handleLmChat } from './lm';
import { openWorkflow } from './openWorkflow';
import { PanelController } from './panel';
import * as runbookSearch from './search';
import * as settings from './settings';
import { AgentStatusBar } from './statusBar';
import { registerWorkflowTree } from './views/workflowTree';
import { registerAgentTools } from './tools/index';
import { markStepDone, registerWalkthrough, STEP_DONE } from './walkthrough';
import { WorkflowStore } from './workflowStore';

let engine: EngineClient | undefined;

/** The workflow list waits for the first index pass to have started the engine, like indexing does. */
const FIRST_LIST_DELAY_MS = 2000;

/** What the extension exposes to other extensions and to its in-host tests. */
export interface RunbookAgentApi {
  health(): Promise<Health>;
}

export function activate(context: vscode.ExtensionContext): RunbookAgentApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Runbook Agent', { log: true });
  const client = new EngineClient(context, log);
  engine = client;
  const status = new AgentStatusBar();
  const store = new WorkflowStore(client, log);
  const open = (id: string) => openWorkflow(context, client, log, id);
  context.subscriptions.push(
    registerPanelSerializer(context, client, log),
    log,
    client,
    status,
    store,
    vscode.commands.registerCommand('runbookAgent.openPanel', () => {
      PanelController.show(context, client, log);
    }),
    vscode.commands.registerCommand('runbookAgent.restartEngine', async () => {
      await client.restart();
      void vscode.window.showInformationMessage('Runbook Agent: engine restarted.');
    }),
    vscode.commands.registerCommand('runbookAgent.showLog', () => log.show()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.notifyTrust()),
    store.onDidChange(() => {
      const count = (kind: string) => store.workflows.filter((w) => w.attention === kind).length;
      const first = store.workflows.find((w) => w.attention !== null && w.attention !== 'resolution');
      status.setWaits({ approvals: store.pendingApprovals, questions: count('question'), checklist: count('checklist'), escalated: count('escalated'), first: first?.id });
      const has = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', `runbookAgent.${key}`, value);
      has('hasPendingApprovals', store.pendingApprovals > 0);
      has('hasQuestions', store.workflows.some((w) => w.needsAnswer));
      has('hasChecklist', count('checklist') > 0);
      has('hasResolutionWaits', count('resolution') > 0);
      has('hasWorkflows', store.workflows.length > 0);
      if (store.workflows.length > 0) markStepDone(STEP_DONE.triaged);
    }),
    watchPerson(store, open),
  );
  client.onRequest(lmChat, handleLmChat);
  settings.register(context, client, log);
  runbookSearch.register(context, client, log);
  indexing.register(context, client, log, status);
  registerCommands({ context, engine: client, log, store, status, open });
  registerRunbookEditor(context, client, log, store);
  registerRunbookDiagnostics(context, client, log);
  registerWorkflowTree(context, store);
  registerAgentTools(context, client, log, open);
  registerWalkthrough(context);
  const firstList = setTimeout(() => void store.refresh(), FIRST_LIST_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(firstList) });
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: nothing will execute'})`);
  return { health: () => client.request(health, {}) };
}

export async function deactivate(): Promise<void> {
  await engine?.stop();
  engine = undefined;
}
