import type { Db } from '../../db/open';
import type { WorkflowState } from '../../../../protocol/workflow';
import { UnknownWorkflow } from '../../workflow/errors';
import { applyEvent } from '../../workflow/reducer';
import type { WorkflowView } from '../../workflow/view';
import { sql } from './sql';

/** Rebuilds a workflow's current view from its events alone (the audit path; tests compare it with the table). */
export function replayWorkflow(db: Db, workflowId: string): WorkflowView {
  let view: WorkflowView | null = null;
  const rows = sql(db, 'SELECT type, to_state, at, data FROM workflow_events WHERE workflow_id = ? ORDER BY seq').iterate(workflowId) as IterableIterator<{
    type: string;
    to_state: WorkflowState | null;
    at: number;
    data: string;
  }>;
  for (const r of rows) {
    view = applyEvent(view, { workflowId, type: r.type, to: r.to_state, at: r.at, data: JSON.parse(r.data) as Record<string, unknown> });
  }
  if (!view) throw new UnknownWorkflow(workflowId);
  return view;
}
