import * as vscode from 'vscode';
import { health, type Health } from '../protocol/engine';
import { EngineClient } from './engineClient';
import { PanelController } from './panel';
import * as indexing from './indexing';
import * as runbookSearch from './search';

let engine: EngineClient | undefined;

/** What the extension exposes to other extensions and to its in-host tests. */
export interface RunbookAgentApi {
  health(): Promise<Health>;
}

export function activate(context: vscode.ExtensionContext): RunbookAgentApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Runbook Agent', { log: true });
  const client = new EngineClient(context, log);
  engine = client;
  context.subscriptions.push(
    log,
    client,
    vscode.commands.registerCommand('runbookAgent.openPanel', () => {
      PanelController.show(context, client, log);
    }),
    vscode.commands.registerCommand('runbookAgent.restartEngine', async () => {
      await client.restart();
      void vscode.window.showInformationMessage('Runbook Agent: engine restarted.');
    }),
    vscode.commands.registerCommand('runbookAgent.showLog', () => log.show()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.notifyTrust()),
  );
  runbookSearch.register(context, client, log);
  indexing.register(context, client, log);
  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: nothing will execute'})`);
  return { health: () => client.request(health, {}) };
}

export async function deactivate(): Promise<void> {
  await engine?.stop();
  engine = undefined;
}
