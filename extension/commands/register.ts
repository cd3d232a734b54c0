import * as vscode from 'vscode';
import { answerQuestionCommand } from './answerQuestion';
import { approvePendingCommand } from './approvePending';
import { workflowIdOf, type CommandDeps } from './deps';
import { exportIncidentReportCommand } from './exportReport';
import { exportTraceCommand, openEventLogCommand, registerEventLogProvider } from './exportTrace';
import { restoreWritesState, setWritesCommand } from './killSwitch';
import { archiveWorkflowCommand, cancelWorkflowCommand, escalateNowCommand, markResolvedCommand, retryFromStepCommand, tickChecklistCommand, useAnotherRunbookCommand } from './personActions';
import { rejectPendingCommand } from './rejectPending';
import { runRunbookCommand } from './runRunbook';
import { setLlmApiKeyCommand } from './setLlmApiKey';
import { setTierCommand } from './setTier';
import { triageAlertCommand } from './triageAlert';
import { intakeToken } from '../settings';

/** Every workflow command of the palette, the editor menus, the tree and the CodeLens. */
export function registerCommands(deps: CommandDeps): void {
  const commands: Record<string, (arg?: unknown) => unknown> = {
    'runbookAgent.triageAlert': () => triageAlertCommand(deps),
    'runbookAgent.runRunbook': (arg) => runRunbookCommand(deps, arg),
    'runbookAgent.approvePending': (arg) => approvePendingCommand(deps, arg),
    'runbookAgent.rejectPending': (arg) => rejectPendingCommand(deps, arg),
    'runbookAgent.answerQuestion': (arg) => answerQuestionCommand(deps, arg),
    'runbookAgent.tickChecklist': (arg) => tickChecklistCommand(deps, arg),
    'runbookAgent.markResolved': (arg) => markResolvedCommand(deps, arg),
    'runbookAgent.escalateNow': (arg) => escalateNowCommand(deps, arg),
    'runbookAgent.cancelWorkflow': (arg) => cancelWorkflowCommand(deps, arg),
    'runbookAgent.retryFromStep': (arg) => retryFromStepCommand(deps, arg),
    'runbookAgent.useAnotherRunbook': (arg) => useAnotherRunbookCommand(deps, arg),
    'runbookAgent.archiveWorkflow': (arg) => archiveWorkflowCommand(deps, arg),
    'runbookAgent.exportIncidentReport': (arg) => exportIncidentReportCommand(deps, arg),
    'runbookAgent.disableWrites': () => setWritesCommand(deps, false),
    'runbookAgent.enableWrites': () => setWritesCommand(deps, true),
    'runbookAgent.exportTrace': (arg) => exportTraceCommand(deps, arg),
    'runbookAgent.openEventLog': (arg) => openEventLogCommand(deps, arg),
    'runbookAgent.setLlmApiKey': () => setLlmApiKeyCommand(deps),
    'runbookAgent.setTier': () => setTierCommand(deps),
    'runbookAgent.copyIntakeToken': async () => {
      await vscode.env.clipboard.writeText(await intakeToken(deps.context.secrets));
      void vscode.window.showInformationMessage('Runbook Agent: the intake token is on the clipboard. Give it to Alertmanager as a bearer token (http_config.authorization.credentials).');
    },
    'runbookAgent.showWorkflow': (arg) => {
      const id = workflowIdOf(arg);
      return id ? deps.open(id) : vscode.commands.executeCommand('runbookAgent.openPanel');
    },
  };
  for (const [id, run] of Object.entries(commands)) deps.context.subscriptions.push(vscode.commands.registerCommand(id, run));
  deps.context.subscriptions.push(registerEventLogProvider(deps));
  restoreWritesState(deps);
}
