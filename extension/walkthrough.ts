import * as vscode from 'vscode';

/** `publisher.name#walkthroughId`, as workbench.action.openWalkthrough wants it. */
export const WALKTHROUGH = 'runbook-agent.runbook-agent#runbookAgent.start';
const SHOWN_KEY = 'runbookAgent.walkthrough.shown';

/**
 * Each step's completion event (package.json `onContext:` key) and its id. A step's `onCommand:` event only
 * fires for commands run through the workbench (palette, keys, links), not for the same action taken in the
 * panel, and it fires even when the person cancels the command's quick pick; these keys are set only when the
 * thing itself happened, wherever it was done.
 */
export const STEP_DONE = {
  runbookOpened: { key: 'runbookAgent.walkthrough.runbookOpened', step: 'openRunbooks' },
  indexed: { key: 'runbookAgent.walkthrough.indexed', step: 'index' },
  triaged: { key: 'runbookAgent.hasWorkflows', step: 'triage' },
  approved: { key: 'runbookAgent.walkthrough.approved', step: 'approve' },
  tierChosen: { key: 'runbookAgent.walkthrough.tierChosen', step: 'tier' },
} as const;

export type StepDone = (typeof STEP_DONE)[keyof typeof STEP_DONE];

const marked = new Set<string>();

export function markStepDone(done: StepDone): void {
  if (marked.has(done.step)) return;
  marked.add(done.step);
  void vscode.commands.executeCommand('setContext', done.key, true);
  // VS Code registers the walkthrough when its page is first shown, and a key that is already true then never
  // ticks its step (the walkthrough service records it as seen and ignores it from then on): a runbook opened,
  // or a first index pass, before the person looks. Its own "Welcome: Mark Step Complete" records the step as
  // done whenever it registers. A build without that command still has the key.
  Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', `${WALKTHROUGH}#${done.step}`)).catch(() => undefined);
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
