import * as vscode from 'vscode';
import type { WorkflowItem } from '../../protocol/agent';
import { stateLabel } from '../../protocol/stateLabels';
import type { WorkflowState } from '../../protocol/workflow';
import type { WorkflowStore } from '../workflowStore';

interface Group {
  readonly kind: 'group';
  readonly state: WorkflowState;
  readonly workflows: WorkflowItem[];
}
interface Leaf {
  readonly kind: 'workflow';
  /** Commands from the item's context menu receive this node: workflowId is what they read. */
  readonly workflowId: string;
  readonly workflow: WorkflowItem;
}
type Node = Group | Leaf;

/** What needs a person first, then what runs, then what ended. */
const ORDER: ReadonlyArray<[WorkflowState, string, string]> = [
  ['WAITING_FOR_PERSON', 'Waiting for you', 'bell-dot'],
  ['ESCALATED', 'Escalated', 'warning'],
  ['FAILED', 'Failed', 'error'],
  ['RECEIVED', 'Received', 'inbox'],
  ['PLANNED', 'Planned', 'list-ordered'],
  ['EXECUTING', 'Executing', 'sync~spin'],
  ['WAITING_FOR_TOOL', 'Waiting for a tool', 'watch'],
  ['VALIDATING', 'Verifying', 'beaker'],
  ['COMPLETED', 'Completed', 'pass'],
  ['CANCELLED', 'Cancelled', 'circle-slash'],
];

/** The item's context value: what its menu offers (decide, tick, mark resolved, cancel, retry, archive). */
export function contextValueOf(w: WorkflowItem): string {
  if (w.needsApproval) return 'workflow.approval';
  if (w.needsAnswer) return 'workflow.question';
  if (w.attention === 'checklist') return 'workflow.checklist';
  if (w.attention === 'resolution') return 'workflow.resolution';
  if (w.state === 'ESCALATED') return 'workflow.escalated';
  if (w.state === 'COMPLETED' || w.state === 'CANCELLED') return 'workflow.settled';
  if (w.state === 'WAITING_FOR_PERSON' || w.state === 'FAILED' || w.state === 'VALIDATING') return 'workflow.waiting';
  return 'workflow';
}

const WHAT: Partial<Record<NonNullable<WorkflowItem['attention']>, string>> = { approval: 'approval needed', question: 'question', checklist: 'to do', resolution: 'waits for the alert' };

/** The Workflows view: workflows grouped by state, a click opens the panel, waiting ones can be approved here. */
export class WorkflowTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly store: WorkflowStore) {
    store.onDidChange(() => this.emitter.fire());
  }

  getChildren(node?: Node): Node[] {
    if (node?.kind === 'workflow') return [];
    if (node) return node.workflows.map((w) => ({ kind: 'workflow', workflowId: w.id, workflow: w }));
    return ORDER.map(([state]) => ({ kind: 'group' as const, state, workflows: this.store.workflows.filter((w) => w.state === state) })).filter((g) => g.workflows.length);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const [, label, icon] = ORDER.find(([s]) => s === node.state)!;
      const item = new vscode.TreeItem(label, node.state === 'COMPLETED' || node.state === 'CANCELLED' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.id = `state:${node.state}`;
      item.description = String(node.workflows.length);
      item.iconPath = new vscode.ThemeIcon(icon);
      return item;
    }
    const w = node.workflow;
    const item = new vscode.TreeItem(w.title, vscode.TreeItemCollapsibleState.None);
    item.id = `workflow:${w.id}`;
    const what = (w.attention ? WHAT[w.attention] : undefined) ?? w.reason ?? '';
    item.description = `step ${Math.min(w.stepIndex + 1, w.stepCount)}/${w.stepCount}${what ? ` · ${what}` : ''}`;
    // Titles and reasons are alert text: shown as text, never as Markdown.
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**').appendText(w.title).appendMarkdown('**\n\n').appendText(`${stateLabel(w.state)} · ${w.workspace}`).appendMarkdown('\n\n');
    tooltip.appendText(`Updated ${new Date(w.updatedAt).toLocaleString()}`);
    if (w.waitsUntil) tooltip.appendMarkdown('\n\n').appendText(`Waits for the alert to resolve until ${new Date(w.waitsUntil).toLocaleString()}`);
    if (w.reason) tooltip.appendMarkdown('\n\n').appendText(w.reason);
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(
      w.needsApproval ? 'shield' : w.needsAnswer ? 'question' : w.attention === 'checklist' ? 'checklist' : (ORDER.find(([s]) => s === w.state)?.[2] ?? 'circle-outline'),
    );
    item.contextValue = contextValueOf(w);
    item.command = { command: 'runbookAgent.showWorkflow', title: 'Show Workflow', arguments: [w.id] };
    return item;
  }
}

/** Registers the view and keeps its badge at the number of workflows that wait for a person. */
export function registerWorkflowTree(context: vscode.ExtensionContext, store: WorkflowStore): vscode.TreeView<unknown> {
  const view = vscode.window.createTreeView('runbookAgent.workflows', { treeDataProvider: new WorkflowTree(store), showCollapseAll: true });
  const badge = () => {
    const n = store.needsPerson;
    const approvals = store.pendingApprovals;
    const tooltip = n === approvals ? `${n} step(s) wait for your approval` : `${n} workflow(s) wait for you (${approvals} approval(s))`;
    view.badge = n ? { value: n, tooltip } : undefined;
  };
  context.subscriptions.push(
    view,
    store.onDidChange(badge),
    view.onDidChangeVisibility((e) => {
      if (e.visible) void store.refresh();
    }),
  );
  if (view.visible) void store.refresh();
  return view as vscode.TreeView<unknown>;
}
