import * as vscode from 'vscode';

/** Local workspace folders: the engine works on files on this machine only. */
export function localFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

/** The folder to work in: the only one, or the one the person picks; undefined when none or cancelled. */
export async function pickFolder(purpose: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = localFolders();
  if (folders.length <= 1) {
    if (!folders.length) void vscode.window.showWarningMessage('Runbook Agent: open a folder with your runbooks first.');
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: `Workspace folder to ${purpose}` });
}

/** The path the engine knows a file by: relative to its workspace folder, with forward slashes. */
export function engineRelativePath(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; path: string } | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || folder.uri.scheme !== 'file' || uri.scheme !== 'file') return undefined;
  const path = vscode.workspace.asRelativePath(uri, false).replace(/\\/g, '/');
  // With several folders asRelativePath prefixes the folder name; the engine wants the path inside the folder.
  const inside = uri.path.startsWith(`${folder.uri.path}/`) ? uri.path.slice(folder.uri.path.length + 1) : path;
  return { folder, path: inside };
}
