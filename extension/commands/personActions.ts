/**
 * The person's actions beyond approve/reject/answer, from the palette and the Workflows view: tick a checklist
 * item, mark a resolved alert, escalate now, cancel, retry from a step, use another runbook, archive. Each asks
 * which workflow (unless the caller named one), asks only what it needs (the outcome, an optional note, the step,
 * the runbook), and says what it did.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { archiveWorkflow, cancelWorkflow, escalateNow, markResolved, retryStep, tickChecklist, useRunbook, workflowView, type WorkflowItem } from '../../protocol/agent';
import { stateLabel } from '../../protocol/stateLabels';
import { blockedByTrust } from '../trust';
import { workflowIdOf, type CommandDeps } from './deps';
import { pickWorkflow } from './pickWorkflow';
import { runbookChoices } from './runbookChoices';

async function chosen(deps: CommandDeps, arg: unknown, filter: (w: WorkflowItem) => boolean, placeHolder: string, none: string): Promise<string | undefined> {
  return workflowIdOf(arg) ?? (await pickWorkflow(deps, filter, placeHolder, none))?.id;
}

/** An optional note; undefined when the person pressed Escape (the action is then not taken). */
function askNote(title: string, prompt: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, placeHolder: 'Optional: recorded in the event log with your name', ignoreFocusOut: true });
}

async function run(deps: CommandDeps, what: string, action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    void deps.store.refresh();
    return true;
  } catch (error) {
    deps.log.error(`${what} failed: ${(error as Error).message}`);
    void vscode.window.showErrorMessage(`Runbook Agent: ${what} failed: ${(error as Error).message}`);
    return false;
  }
}

interface OutcomeItem extends vscode.QuickPickItem {
  readonly outcome: 'done' | 'skipped';
}

/** "Tick Checklist Item": the runbook instruction the workflow waits on, done or skipped, with a note. */
export async function tickChecklistCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  if (blockedByTrust('Tick Checklist Item (the workflow goes on to run its steps)')) return;
  const id = await chosen(deps, arg, (w) => w.attention === 'checklist', 'Which workflow\'s checklist item do you tick?', 'no workflow waits on a checklist item.');
  if (!id) return;
  await run(deps, 'tick', async () => {
    const view = await deps.engine.request(workflowView, { id });
    const w = view.waiting;
    if (w?.kind !== 'checklist') {
      void vscode.window.showInformationMessage('Runbook Agent: that workflow no longer waits on a checklist item.');
      return;
    }
    const items: OutcomeItem[] = [
      { label: '$(check) Done', description: 'I did it', detail: w.item, outcome: 'done' },
      { label: '$(debug-step-over) Skipped', description: 'I did not do it (say why in the note)', outcome: 'skipped' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `${view.workflow.title}: step ${w.stepIndex + 1}`, placeHolder: w.item, ignoreFocusOut: true });
    if (!picked) return;
    const note = await askNote(`${picked.outcome === 'done' ? 'Done' : 'Skipped'}: ${w.item}`, picked.outcome === 'done' ? 'What did you do? (optional)' : 'Why was it skipped? (optional)');
    if (note === undefined) return;
    await deps.engine.request(tickChecklist, { id, stepId: w.stepId, outcome: picked.outcome, note: note.trim() });
    deps.log.info(`ticked ${w.stepId} of ${id}: ${picked.outcome}`);
  });
}

/** "Mark Resolved": the alert a workflow waits on did resolve (VALIDATING -> COMPLETED). */
export async function markResolvedCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  const id = await chosen(deps, arg, (w) => w.attention === 'resolution', 'Which workflow\'s alert resolved?', 'no workflow waits for its alert to resolve.');
  if (!id) return;
  const note = await askNote('Mark resolved', 'How do you know the alert resolved? (optional)');
  if (note === undefined) return;
  if (await run(deps, 'mark resolved', () => deps.engine.request(markResolved, { id, note: note.trim() }))) {
    void vscode.window.showInformationMessage('Runbook Agent: marked resolved; the workflow is completed.');
  }
}

/** "Escalate Now": instead of waiting (for the alert to resolve, or for a decision). */
export async function escalateNowCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  const id = await chosen(deps, arg, (w) => w.state === 'VALIDATING' || w.state === 'WAITING_FOR_PERSON', 'Which workflow do you escalate?', 'no workflow waits that could be escalated.');
  if (!id) return;
  const note = await askNote('Escalate now', 'Why escalate now? (optional)');
  if (note === undefined) return;
  if (await run(deps, 'escalate', () => deps.engine.request(escalateNow, { id, note: note.trim() }))) {
    void vscode.window.showInformationMessage('Runbook Agent: escalated.');
  }
}

const CANCELLABLE = new Set(['WAITING_FOR_PERSON', 'VALIDATING', 'ESCALATED', 'FAILED']);

/** "Cancel Workflow": nothing more runs; a confirm first, with an optional note. */
export async function cancelWorkflowCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  const id = await chosen(deps, arg, (w) => CANCELLABLE.has(w.state), 'Which workflow do you cancel?', 'no workflow waits, failed or was escalated: nothing to cancel.');
  if (!id) return;
  const note = await askNote('Cancel the workflow: nothing more runs', 'Why cancel it? (optional; Escape keeps it)');
  if (note === undefined) return;
  if (await run(deps, 'cancel', () => deps.engine.request(cancelWorkflow, { id, note: note.trim() }))) {
    void vscode.window.showInformationMessage('Runbook Agent: the workflow is cancelled.');
  }
}

const RETRYABLE = new Set(['ESCALATED', 'CANCELLED', 'COMPLETED', 'WAITING_FOR_PERSON']);

interface StepItem extends vscode.QuickPickItem {
  readonly stepId: string;
}

/** "Retry From Step": runs the workflow again from the step the person picks; writes still wait for approval. */
export async function retryFromStepCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  if (blockedByTrust('Retry From Step (it runs steps again)')) return;
  const id = await chosen(deps, arg, (w) => RETRYABLE.has(w.state), 'Which workflow do you retry?', 'no workflow is settled or waiting: nothing to retry.');
  if (!id) return;
  await run(deps, 'retry', async () => {
    const view = await deps.engine.request(workflowView, { id });
    // Steps it reached (a step ahead would jump over the ones before it).
    const reached = view.steps.filter((s) => view.workflow.state === 'COMPLETED' || s.index <= view.workflow.stepIndex);
    const items: StepItem[] = reached.map((s) => ({
      label: `${s.index + 1}. ${s.id}`,
      description: [s.phase, s.risk, s.flag ?? s.status].filter(Boolean).join(' · '),
      detail: s.describe,
      stepId: s.id,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Retry "${view.workflow.title}" (${stateLabel(view.workflow.state)}) from…`,
      placeHolder: 'The steps from this one run again; writes still wait for your approval',
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!picked) return;
    await deps.engine.request(retryStep, { id, stepId: picked.stepId });
    deps.log.info(`retrying ${id} from ${picked.stepId}`);
    await deps.open(id);
  });
}

interface RunbookItem extends vscode.QuickPickItem {
  readonly rel: string;
}

/** Markdown files a runbook may be in, workspace-relative, capped so a huge workspace cannot stall the pick. */
async function markdownFiles(workspace: string): Promise<string[]> {
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(workspace), '**/*.{md,markdown}'), '**/node_modules/**', 5000);
  return uris.map((u) => path.relative(workspace, u.fsPath).split(path.sep).join('/')).sort();
}

/**
 * "Use Another Runbook": a workflow that waits for a person is planned again from the runbook the person picks
 * (when search alone chose the one it has, or it is the wrong one). Its diagnostics run; writes still wait.
 */
export async function useAnotherRunbookCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  if (blockedByTrust('Use Another Runbook (the workflow is planned again and its diagnostics run)')) return;
  const id = await chosen(deps, arg, (w) => w.state === 'WAITING_FOR_PERSON', 'Which workflow gets another runbook?', 'no workflow waits for you: a runbook can be changed only while one does.');
  if (!id) return;
  await run(deps, 'use another runbook', async () => {
    const view = await deps.engine.request(workflowView, { id });
    const choices = runbookChoices(await markdownFiles(view.workflow.workspace), view.sources, view.workflow.workspace);
    const items: Array<RunbookItem | vscode.QuickPickItem> = [];
    for (const [i, c] of choices.entries()) {
      // Separators: what search saw for this plan, then the rest of the workspace.
      if (i === 0 && c.score !== undefined) items.push({ label: 'search saw these for this plan', kind: vscode.QuickPickItemKind.Separator });
      if (c.score === undefined && (i === 0 || choices[i - 1]!.score !== undefined)) items.push({ label: 'all Markdown files', kind: vscode.QuickPickItemKind.Separator });
      const about = [c.current ? "the plan's runbook now" : '', c.score === undefined ? '' : `score ${c.score.toFixed(3)}`].filter(Boolean).join(' · ');
      items.push({ label: c.rel, description: about || undefined, rel: c.rel });
    }
    if (choices.length === 0) {
      void vscode.window.showInformationMessage(`Runbook Agent: no Markdown file in ${view.workflow.workspace} to plan from.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: `Plan "${view.workflow.title}" again from…`,
      placeHolder: 'The workflow is planned again from this runbook; its diagnostics run, writes still wait for your approval',
      ignoreFocusOut: true,
    });
    if (!picked || !('rel' in picked)) return;
    await deps.engine.request(useRunbook, { id, runbook: picked.rel });
    deps.log.info(`planning ${id} again from ${picked.rel}`);
    await deps.open(id);
  });
}

/** "Archive Workflow": hides a settled workflow from the lists; its events stay in the log. */
export async function archiveWorkflowCommand(deps: CommandDeps, arg?: unknown): Promise<void> {
  const id = await chosen(deps, arg, (w) => ['COMPLETED', 'ESCALATED', 'CANCELLED'].includes(w.state), 'Which workflow do you archive?', 'no settled workflow to archive.');
  if (!id) return;
  if (await run(deps, 'archive', () => deps.engine.request(archiveWorkflow, { id }))) {
    void vscode.window.showInformationMessage('Runbook Agent: archived. Its events stay in the log; the panel lists it with "Show archived".');
  }
}
