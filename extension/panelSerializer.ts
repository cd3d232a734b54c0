import * as vscode from 'vscode';
import type { EngineClient } from './engineClient';
import { PanelController } from './panel';

/**
 * Brings the panel back after a window reload. VS Code keeps the webview's own state ({selectedId}) and
 * hands it back to the reloaded page, which asks for that workflow again; here only the host side is
 * re-attached. Needs the activation event `onWebviewPanel:runbookAgent.panel`.
 */
export function registerPanelSerializer(context: vscode.ExtensionContext, engine: EngineClient, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(PanelController.viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
      PanelController.restore(panel, context, engine, log);
    },
  });
}
