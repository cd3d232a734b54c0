import assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** Polls until `check` holds (the quick pick and the engine answer asynchronously), failing after `ms`. */
async function until(check: () => boolean, ms: number, step?: () => Thenable<unknown>): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms`);
    await step?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('Search Runbooks in the extension host', () => {
  it('indexes the workspace, then the quick pick opens the runbook that answers an alert at its lines', async () => {
    await vscode.commands.executeCommand('runbookAgent.reindexRunbooks');
    await vscode.commands.executeCommand('runbookAgent.searchRunbooks', 'Checkout service is down: no heartbeat from services/checkout');
    const opened = () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/runbooks/checkout-service-down.md') ?? false;
    // Accepting before the engine's answer arrives does nothing, so accept until the runbook opens.
    await until(opened, 30_000, () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'));
    const editor = vscode.window.activeTextEditor!;
    assert.ok(editor.selection.start.line >= 0);
    assert.ok(!editor.selection.isEmpty, 'the hit lines are selected');
  });
});
