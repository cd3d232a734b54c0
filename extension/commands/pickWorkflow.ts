import * as vscode from 'vscode';
import { workflowView, type WorkflowItem, type WorkflowPanelView } from '../../protocol/agent';
import { stateLabel } from '../../protocol/stateLabels';
import type { CommandDeps } from './deps';

interface Item extends vscode.QuickPickItem {
  readonly workflow: WorkflowItem;
}

/** A workflow from a fresh list, filtered; says so when there is none. */
export async function pickWorkflow(deps: CommandDeps, filter: (w: WorkflowItem) => boolean, placeHolder: string, none: string): Promise<WorkflowItem | undefined> {
  await deps.store.refresh();
  const workflows = deps.store.workflows.filter(filter);
  if (!workflows.length) {
    void vscode.window.showInformationMessage(`Runbook Agent: ${none}`);
    return undefined;
  }
  const items: Item[] = workflows.map((w) => ({
    label: w.title,
    description: `${stateLabel(w.state)} · step ${Math.min(w.stepIndex + 1, w.stepCount)}/${w.stepCount}`,
    detail: `${w.id} · updated ${new Date(w.updatedAt).toLocaleString()}`,
    workflow: w,
  }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDetail: true }))?.workflow;
}

export type ApprovalView = WorkflowPanelView & { waiting: Extract<NonNullable<WorkflowPanelView['waiting']>, { kind: 'approval' }> };

interface ViewItem extends vscode.QuickPickItem {
  readonly view: ApprovalView;
}

/**
 * A workflow waiting for an approval, with the exact command it would run as the item's detail. The view
 * fetched here is the one whose inputHash the approval carries, so what the person saw is what runs.
 */
export async function pickApproval(deps: CommandDeps, id: string | undefined, placeHolder: string): Promise<ApprovalView | undefined> {
  let ids: string[];
  if (id) ids = [id];
  else {
    await deps.store.refresh();
    ids = deps.store.workflows.filter((w) => w.needsApproval).map((w) => w.id);
  }
  const views = (await Promise.all(ids.map((i) => deps.engine.request(workflowView, { id: i })))).filter(
    (v): v is ApprovalView => v.waiting?.kind === 'approval',
  );
  if (!views.length) {
    void vscode.window.showInformationMessage('Runbook Agent: no step waits for approval.');
    return undefined;
  }
  if (id) return views[0];
  const items: ViewItem[] = views.map((v) => ({
    label: `$(${v.waiting.risk === 'write' ? 'edit' : 'eye'}) ${v.workflow.title}`,
    description: `step ${v.waiting.stepIndex + 1} · ${v.waiting.tool} · ${v.waiting.risk}`,
    detail: v.waiting.describe,
    view: v,
  }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDetail: true }))?.view;
}
