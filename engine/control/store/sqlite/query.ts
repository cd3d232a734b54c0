import type { WorkflowDetail, WorkflowState, WorkflowSummary } from '../../../../protocol/workflow';
import type { Db } from '../../db/open';
import { redactValue } from '../../../execution/redact';
import { iso } from '../../workflow/clock';
import { UnknownWorkflow } from '../../workflow/errors';
import { eventsOf } from './eventLog';
import { loadSnapshot } from './snapshot';
import { loadView } from './commit';
import { listToolCalls } from './toolCalls';
import type { WorkflowView } from '../../workflow/view';
import { sql } from './sql';

export function summarize(v: WorkflowView): WorkflowSummary {
  return {
    id: v.id,
    intakeKey: v.intakeKey,
    title: v.title,
    state: v.state,
    reason: v.reason,
    stepIndex: v.stepIndex,
    stepCount: v.plan?.steps.length ?? 0,
    usage: v.usage,
    createdAt: iso(v.createdAt),
    updatedAt: iso(v.updatedAt),
  };
}

export function listWorkflows(db: Db, options: { state?: WorkflowState; limit?: number } = {}): WorkflowSummary[] {
  const limit = options.limit ?? 1000;
  const rows = (
    options.state
      ? sql(db, 'SELECT view FROM workflows WHERE state = ? ORDER BY created_at DESC, id LIMIT ?').all(options.state, limit)
      : sql(db, 'SELECT view FROM workflows ORDER BY created_at DESC, id LIMIT ?').all(limit)
  ) as Array<{ view: string }>;
  return rows.map((r) => summarize(JSON.parse(r.view) as WorkflowView));
}

export function countByState(db: Db): Partial<Record<WorkflowState, number>> {
  const rows = sql(db, 'SELECT state, count(*) AS n FROM workflows GROUP BY state').all() as Array<{ state: WorkflowState; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** One workflow as a person reads it, secrets redacted. */
export function showWorkflow(db: Db, id: string): WorkflowDetail {
  const view = loadView(db, id);
  if (!view) throw new UnknownWorkflow(id);
  const detail: WorkflowDetail = {
    workflow: summarize(view),
    request: view.request,
    plan: view.plan,
    toolCalls: listToolCalls(db, id),
    snapshot: loadSnapshot(db, id),
    events: eventsOf(db, id),
  };
  // For showing only (`show`, reports): a command's or an alert's secret is stored as given, because approvals and
  // the hash chain bind to the exact bytes, and leaves the engine redacted. `log verify` reads the table itself.
  return redactValue(detail) as WorkflowDetail;
}
