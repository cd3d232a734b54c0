import * as vscode from 'vscode';
import type { WorkflowItem, } from '../../protocol/agent';
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
  ['VALIDATING', 'Validating', 'beaker'],
  ['COMPLETED', 'Completed', 'pass'],
];

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
      const item = new vscode.TreeItem(label, node.state === 'COMPLETED' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.id = `state:${node.state}`;
      item.description = String(node.workflows.length);
      item.iconPath = new vscode.ThemeIcon(icon);
      return item;
    }
    const w = node.workflow;
    const item = new vscode.TreeItem(w.title, vscode.TreeItemCollapsibleState.None);
    item.id = `workflow:${w.id}`;
    const what = w.needsApproval ? 'approval needed' : w.needsAnswer ? 'question' : w.reason ?? '';
    item.description = `step ${Math.min(w.stepIndex + 1, w.stepCount)}/${w.stepCount}${what ? ` · ${what}` : ''}`;
    item.tooltip = new vscode.MarkdownString(`**${w.title}**\n\n${w.state} · ${w.workspace}\n\nUpdated ${w.updatedAt}${w.reason ? `\n\n${w.reason}` : ''}`);
    item.iconPath = new vscode.ThemeIcon(w.needsApproval ? 'shield' : w.needsAnswer ? 'question' : ORDER.find(([s]) => s === w.state)![2]);
    item.contextValue = w.needsApproval ? 'workflow.approval' : w.needsAnswer ? 'workflow.question' : 'workflow';
    item.command = { command: 'runbookAgent.showWorkflow', title: 'Show Workflow', arguments: [w.id] };
    return item;
  }
}

/** Registers the view and keeps its badge at the number of pending approvals. */
export function registerWorkflowTree(context: vscode.ExtensionContext, store: WorkflowStore): vscode.TreeView<unknown> {
  const view = vscode.window.createTreeView('runbookAgent.workflows', { treeDataProvider: new WorkflowTree(store), showCollapseAll: true });
  const badge = () => {
    const n = store.pendingApprovals;
    view.badge = n ? { value: n, tooltip: `${n} step(s) wait for your approval` } : undefined;
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
