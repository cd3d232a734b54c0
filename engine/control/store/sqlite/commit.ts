import type { Actor } from '../../../../protocol/workflow';
import type { Db } from '../../db/open';
import { LeaseLost, storageError, UnknownWorkflow } from '../../workflow/errors';
import { appendEvent } from './eventLog';
import { applyEvent, type EventDraft } from '../../workflow/reducer';
import type { WorkflowView } from '../../workflow/view';
import { sql } from './sql';

export function loadView(db: Db, id: string): WorkflowView | null {
  const row = sql(db, 'SELECT view FROM workflows WHERE id = ?').get(id) as { view: string } | undefined;
  return row ? withDefaults(JSON.parse(row.view) as WorkflowView) : null;
}

/** Views written before a field existed get its empty value (the stored JSON is never rewritten for this). */
function withDefaults(v: WorkflowView): WorkflowView {
  return { ...v, workspace: v.workspace ?? '', approval: v.approval ?? null, waiting: v.waiting ?? null, answers: v.answers ?? {}, edits: v.edits ?? {}, rejected: v.rejected ?? [], validatingAt: v.validatingAt ?? null, alertResolvedAt: v.alertResolvedAt ?? null };
}

export function requireView(db: Db, id: string): WorkflowView {
  const view = loadView(db, id);
  if (!view) throw new UnknownWorkflow(id);
  return view;
}

export interface CommitOptions {
  readonly workflowId: string;
  readonly now: number;
  /** When set, the commit is refused unless this lease token still holds the workflow's task (fencing). */
  readonly leaseToken?: string;
  /** Extra writes that must land in the same transaction (tool-call records, task scheduling). */
  readonly also?: (view: WorkflowView) => void;
}

/**
 * Applies events to a workflow and appends them to the chained log in ONE immediate transaction: the state
 * table and the history can never disagree, whatever instant the process dies at.
 */
export function commit(db: Db, options: CommitOptions, drafts: readonly EventDraft[]): WorkflowView {
  const run = db.transaction(() => {
    if (options.leaseToken !== undefined) {
      const task = sql(db, 'SELECT lease_token FROM tasks WHERE workflow_id = ?').get(options.workflowId) as { lease_token: string | null } | undefined;
      if (task?.lease_token !== options.leaseToken) throw new LeaseLost(options.workflowId);
    }
    let view = loadView(db, options.workflowId);
    if (!view && drafts[0]?.type !== 'created') throw new UnknownWorkflow(options.workflowId);
    for (const draft of drafts) {
      const data = draft.data ?? {};
      const before = view;
      view = applyEvent(view, { workflowId: options.workflowId, type: draft.type, to: draft.to ?? null, at: options.now, data });
      appendEvent(db, {
        workflowId: options.workflowId,
        type: draft.type,
        from: before?.state ?? null,
        to: draft.to ?? null,
        actor: draft.actor ?? ('engine' satisfies Actor),
        attempt: (before?.attempt ?? 0) + 1,
        at: options.now,
        data,
      });
    }
    if (!view) throw new UnknownWorkflow(options.workflowId);
    sql(db, 
      `INSERT INTO workflows (id, intake_key, state, title, reason, view, created_at, updated_at, workspace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, reason = excluded.reason, view = excluded.view, updated_at = excluded.updated_at`,
    ).run(view.id, view.intakeKey, view.state, view.title, view.reason, JSON.stringify(view), view.createdAt, view.updatedAt, view.workspace);
    options.also?.(view);
    return view;
  });
  try {
    return run.immediate();
  } catch (error) {
    throw storageError(error);
  }
}
