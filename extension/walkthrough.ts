import * as vscode from 'vscode';

/** `publisher.name#walkthroughId`, as workbench.action.openWalkthrough wants it. */
export const WALKTHROUGH = 'runbook-agent.runbook-agent#runbookAgent.start';
const SHOWN_KEY = 'runbookAgent.walkthrough.shown';

/**
 * Context keys the walkthrough's steps complete on (package.json `onContext:`). A step's `onCommand:` event
 * only fires for commands run through the workbench (palette, keys, links), not for the same action taken in
 * the panel, and it fires even when the person cancels the command's quick pick; these keys are set only when
 * the thing itself happened, wherever it was done.
 */
export const STEP_DONE = {
  runbookOpened: 'runbookAgent.walkthrough.runbookOpened',
  indexed: 'runbookAgent.walkthrough.indexed',
  approved: 'runbookAgent.walkthrough.approved',
  tierChosen: 'runbookAgent.walkthrough.tierChosen',
} as const;

export function markStepDone(key: (typeof STEP_DONE)[keyof typeof STEP_DONE]): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

/**
 * Opens the walkthrough the first time the extension runs in a profile. VS Code itself opens it only for an
 * extension installed from its UI while the window is open; one installed with `--install-extension`, synced or
 * preinstalled never shows it. The same setting that turns VS Code's own opening off is honoured.
 */
export function registerWalkthrough(context: vscode.ExtensionContext): void {
  const isRunbook = (doc: vscode.TextDocument) => doc.languageId === 'markdown' && doc.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(doc.uri) !== undefined;
  const check = (doc: vscode.TextDocument | undefined) => {
    if (doc && isRunbook(doc)) markStepDone(STEP_DONE.runbookOpened);
  };
  // The runbook whose opening woke the extension may reach the extension host just before or just after
  // activate(): the open documents, each newly opened one and the active editor cover both orders.
  vscode.workspace.textDocuments.forEach(check);
  check(vscode.window.activeTextEditor?.document);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.window.onDidChangeActiveTextEditor((editor) => check(editor?.document)),
  );
  const openOnInstall = vscode.workspace.getConfiguration('workbench.welcomePage.walkthroughs').get<boolean>('openOnInstall', true);
  if (!openOnInstall || context.globalState.get<boolean>(SHOWN_KEY)) return;
  void context.globalState.update(SHOWN_KEY, true);
  // In the background: the runbook or panel that woke the extension keeps the focus.
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, { inactive: true });
}
