import type * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
import type { AgentStatusBar } from '../statusBar';
import type { WorkflowStore } from '../workflowStore';

/** What every command needs; built once in main.ts. */
export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly engine: EngineClient;
  readonly log: vscode.LogOutputChannel;
  readonly store: WorkflowStore;
  readonly status: AgentStatusBar;
  /** Opens the panel on a workflow. */
  readonly open: (id: string) => Promise<void>;
}

/** Commands run from the palette, a tree item or a link: the workflow id if the caller named one. */
export function workflowIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (arg && typeof arg === 'object' && 'workflowId' in arg && typeof arg.workflowId === 'string') return arg.workflowId;
  return undefined;
}
