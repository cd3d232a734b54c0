import * as vscode from 'vscode';

/** The embedding model folder from settings; empty lets the engine use the model shipped with the extension. */
export function modelPathSetting(): string {
  return vscode.workspace.getConfiguration('runbookAgent').get<string>('modelPath', '').trim();
}
