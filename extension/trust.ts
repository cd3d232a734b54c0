import * as vscode from 'vscode';

/**
 * In Restricted Mode, refuses an action that would run or approve something from this workspace, says why and
 * how to trust it, and returns true. The engine refuses too (engine/control/trust.ts); this keeps the person from
 * starting something that can only be refused.
 */
export function blockedByTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  const message =
    `Runbook Agent: ${action} is blocked in Restricted Mode, because it would run commands from this workspace's runbooks. ` +
    'To allow it, trust the workspace: run "Workspaces: Manage Workspace Trust".';
  void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}
