import * as vscode from 'vscode';
import { approveStep } from '../../protocol/agent';
import { blockedByTrust } from '../trust';
import { markStepDone, STEP_DONE } from '../walkthrough';
import { workflowIdOf, type CommandDeps } from './deps';
import { pickApproval, type ApprovalView } from './pickWorkflow';

interface Choice extends vscode.QuickPickItem {
  readonly approve: boolean;
}

/**
 * "Approve Pending Step" without a mouse: pick the waiting step, read exactly what runs and why it needs a
 * person, confirm. The approval carries the inputHash of the view shown, so a changed command is not approved.
 */
export async function approvePendingCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  if (blockedByTrust('Approve Pending Step')) return;
  try {
    const view = await pickApproval(deps, workflowIdOf(arg), 'Which step do you approve?');
    if (!view || !(await confirm(view))) return;
    const w = view.waiting;
    await deps.engine.request(approveStep, { id: view.workflow.id, stepId: w.stepId, inputHash: w.inputHash });
    markStepDone(STEP_DONE.approved);
    deps.log.info(`approved step ${w.stepId} of ${view.workflow.id} (input ${w.inputHash.slice(0, 12)})`);
    void deps.store.refresh();
    const choice = await vscode.window.showInformationMessage(
      `Runbook Agent: approved step ${w.stepIndex + 1} of "${view.workflow.title}"${w.held ? '; it runs once the tier allows writes' : ''}.`,
      'Show',
    );
    if (choice === 'Show') await deps.open(view.workflow.id);
  } catch (error) {
    deps.log.error(`approve failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: approval failed: ${(error as Error).message}`);
  }
}

async function confirm(view: ApprovalView): Promise<boolean> {
  const w = view.waiting;
  const why = w.reasons.length ? w.reasons.join('; ') : 'no classifier reason recorded';
  const items: Choice[] = [
    { label: '$(check) Approve and run', description: `${w.tool} · ${w.risk}`, detail: w.describe, approve: true },
    { label: `$(info) Why it is a ${w.risk}`, detail: why, approve: false },
    { label: '$(shield) Why it needs you', detail: w.policy, approve: false },
    { label: '$(close) Cancel', approve: false },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Approve step ${w.stepIndex + 1} of "${view.workflow.title}"?`,
    placeHolder: w.held ? 'The read-only tier holds this step: approving records it; it runs after the tier allows writes.' : `This runs: ${w.describe}`,
    ignoreFocusOut: true,
  });
  return picked?.approve === true;
}
