import * as vscode from 'vscode';
import { listWorkflows, workflowsChanged, type WorkflowItem } from '../protocol/agent';
import type { EngineClient } from './engineClient';

/**
 * The engine's workflow list as the editor's views see it: fetched when something may have changed
 * (workflowsChanged, an engine restart, one of our commands) and shared by the tree, the status bar, the
 * approval notifications and the CodeLens.
 */
export class WorkflowStore implements vscode.Disposable {
  private list: WorkflowItem[] = [];
  private pendingCount = 0;
  private personCount = 0;
  /** Workflows this window started (triage, Run This Runbook): their completion is announced. */
  private readonly startedHere = new Set<string>();
  private loaded = false;
  private fetching: Promise<void> | undefined;
  private again = false;
  private reportedFailure = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires after every refresh with the new list. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      engine.onNotification(workflowsChanged, () => void this.refresh()),
      engine.onDidRestart(() => void this.refresh()),
      this.emitter,
    );
  }

  get workflows(): readonly WorkflowItem[] {
    return this.list;
  }

  get pendingApprovals(): number {
    return this.pendingCount;
  }

  /** Workflows that wait for a person in any way (approval, question, checklist item, escalation). */
  get needsPerson(): number {
    return this.personCount;
  }

  /** Remembers workflows this window started, so the person hears when they complete. */
  markStarted(ids: readonly string[]): void {
    for (const id of ids) this.startedHere.add(id);
  }

  wasStartedHere(id: string): boolean {
    return this.startedHere.has(id);
  }

  /** False until the first list arrived: callers skip "new" notifications for what was already waiting. */
  get hasLoaded(): boolean {
    return this.loaded;
  }

  find(id: string): WorkflowItem | undefined {
    return this.list.find((w) => w.id === id);
  }

  /** Fetches the list; concurrent calls share one request and a call during a fetch triggers one more. */
  refresh(): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    this.fetching = this.fetch().finally(() => {
      this.fetching = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.fetching;
  }

  private async fetch(): Promise<void> {
    try {
      const result = await this.engine.request(listWorkflows, { limit: 200 });
      this.list = result.workflows;
      if (result.pendingApprovals !== this.pendingCount || !this.loaded) this.log.info(`${result.workflows.length} workflow(s), ${result.pendingApprovals} waiting for approval`);
      this.pendingCount = result.pendingApprovals;
      this.personCount = result.needsPerson;
      this.loaded = true;
      this.reportedFailure = false;
      this.emitter.fire();
    } catch (error) {
      // One line per outage, not one per refresh.
      if (!this.reportedFailure) this.log.warn(`listing workflows failed: ${(error as Error).message}`);
      this.reportedFailure = true;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
