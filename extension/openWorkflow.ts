import type * as vscode from 'vscode';
import type { EngineClient } from './engineClient';
import { PanelController } from './panel';

/** Opens the panel on one workflow: every command, tree item, link and notification goes through here. */
export async function openWorkflow(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel, id: string): Promise<void> {
  await Promise.resolve(PanelController.showWorkflow(context, engine, log, id));
}
