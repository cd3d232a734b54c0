import * as vscode from 'vscode';
import { rejectStep } from '../../protocol/agent';
import { workflowIdOf, type CommandDeps } from './deps';
import { pickApproval } from './pickWorkflow';

/** "Reject Pending Step": the engine re-plans without the step, or escalates; the reason goes into the log. */
export async function rejectPendingCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  try {
    const view = await pickApproval(deps, workflowIdOf(arg), 'Which step do you reject?');
    if (!view) return;
    const w = view.waiting;
    const reason = await vscode.window.showInputBox({
      title: `Reject step ${w.stepIndex + 1} of "${view.workflow.title}"`,
      prompt: `Why not run: ${w.describe}`,
      placeHolder: 'The reason is recorded in the workflow\'s log and shapes the new plan',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Say why, so the re-plan and the audit log know.'),
    });
    if (!reason) return;
    await deps.engine.request(rejectStep, { id: view.workflow.id, stepId: w.stepId, reason: reason.trim() });
    deps.log.info(`rejected step ${w.stepId} of ${view.workflow.id}`);
    void deps.store.refresh();
    void vscode.window.showInformationMessage(`Runbook Agent: rejected step ${w.stepIndex + 1} of "${view.workflow.title}".`);
  } catch (error) {
    deps.log.error(`reject failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: rejection failed: ${(error as Error).message}`);
  }
}
