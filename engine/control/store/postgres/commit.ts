// One durable action in one transaction (engine/control/store/sqlite/commit.ts commit() + the orchestrator's apply()):
// lock the workflow's row, fence by the lease, reduce the drafts, write the view, the records and the task's next
// slot, then chain the events and NOTIFY. Lock order everywhere: workflows row, then tasks row, then chain head.
import type { Actor } from '../../../../protocol/workflow';
import { canonicalJson } from '../../workflow/canonical';
import { LeaseLost, UnknownWorkflow } from '../../workflow/errors';
import type { EventRecord } from '../sqlite/eventLog';
import { applyEvent } from '../../workflow/reducer';
import { isHeld, recheckAction } from '../recheck';
import { parseView } from '../rows';
import type { Decided, DurableAction, EventDraft, WorkflowView, Write } from '../types';
import { appendToChain, notifyCommit, workflowChain } from './chain';
import type { Sql } from './connect';

export async function lockView(c: Sql, id: string): Promise<WorkflowView | null> {
  const row = (await c.query('SELECT view FROM workflows WHERE id = $1 FOR UPDATE', [id])).rows[0] as { view: string } | undefined;
  return row ? parseView(row.view) : null;
}

export async function commitIn(c: Sql, channel: string, action: DurableAction): Promise<WorkflowView> {
  const { workflowId: id, now, leaseToken, events, writes = [], next } = action;
  let view = await lockView(c, id);
  if (leaseToken !== undefined) {
    // Fencing: the task row stays locked to COMMIT, so no lease can change hands between this check and the
    // writes below (a worker whose lease expired and was taken over commits nothing).
    const task = (await c.query('SELECT lease_token FROM tasks WHERE workflow_id = $1 FOR UPDATE', [id])).rows[0] as { lease_token: string | null } | undefined;
    if (task?.lease_token !== leaseToken) throw new LeaseLost(id);
  }
  if (!view && events[0]?.type !== 'created') throw new UnknownWorkflow(id);
  const records: EventRecord[] = [];
  for (const draft of events) {
    const data = draft.data ?? {};
    const before = view;
    view = applyEvent(view, { workflowId: id, type: draft.type, to: draft.to ?? null, at: now, data });
    records.push({ workflowId: id, type: draft.type, from: before?.state ?? null, to: draft.to ?? null, actor: draft.actor ?? ('engine' satisfies Actor), attempt: (before?.attempt ?? 0) + 1, at: now, data });
  }
  if (!view) throw new UnknownWorkflow(id);
  if (records.length > 0) {
    // The row first (a new workflow's intake key is claimed here; the records and the task refer to it).
    await c.query(
      `INSERT INTO workflows (id, intake_key, workspace, state, title, reason, view, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, reason = excluded.reason, view = excluded.view, updated_at = excluded.updated_at`,
      [view.id, view.intakeKey, view.workspace, view.state, view.title, view.reason, JSON.stringify(view), view.createdAt, view.updatedAt],
    );
  }
  for (const w of writes) await write(c, id, w, now);
  if (next?.kind === 'settled') await c.query('DELETE FROM tasks WHERE workflow_id = $1', [id]);
  if (next?.kind === 'later') await schedule(c, id, next.at);
  if (next?.kind === 'continue' && leaseToken === undefined) await schedule(c, id, now);
  // The chain last: its head is the last lock taken (the documented order) and is held for the shortest time.
  if (records.length > 0) await notifyCommit(c, channel, await appendToChain(c, workflowChain(id), records), [id]);
  return view;
}

/** ControlStore.commitDecision: `choose` decides on the LOCKED row, and its outcome commits in the same transaction. */
export async function commitDecisionIn(c: Sql, channel: string, id: string, now: number, choose: (view: WorkflowView) => Decided): Promise<WorkflowView> {
  const view = await lockView(c, id);
  if (!view) throw new UnknownWorkflow(id);
  const { events, writes, next } = choose(view);
  return commitIn(c, channel, { workflowId: id, now, events, writes, next });
}

/** ControlStore.appendOnEvents: the workflow's row is locked first, so the events read here are the last word. */
export async function appendOnEventsIn(c: Sql, channel: string, id: string, type: string, now: number, choose: (logged: readonly unknown[]) => readonly EventDraft[]): Promise<number> {
  if (!(await lockView(c, id))) throw new UnknownWorkflow(id);
  const rows = (await c.query('SELECT data FROM events WHERE workflow_id = $1 AND type = $2 ORDER BY chain_seq', [id, type])).rows as Array<{ data: string }>;
  const events = choose(rows.map((r) => JSON.parse(r.data) as unknown));
  if (events.length > 0) await commitIn(c, channel, { workflowId: id, now, events });
  return events.length;
}

/**
 * setTier's recheck of one workflow (engine/control/workflow/person.ts recheck()): decided on the LOCKED row, so a step a
 * person approved or a workflow cancelled since the tier changed is left alone instead of failing the change.
 */
export async function recheckIfHeld(c: Sql, channel: string, id: string, why: string, now: number): Promise<boolean> {
  const view = await lockView(c, id);
  if (!view || !isHeld(view)) return false;
  await commitIn(c, channel, recheckAction(view, why, now));
  return true;
}

/** Runnable at `at`, lease dropped (queue.ts schedule()). */
export async function schedule(c: Sql, id: string, at: number): Promise<void> {
  await c.query(
    `INSERT INTO tasks (workflow_id, available_at, queue) VALUES ($1, $2, coalesce((SELECT workspace FROM workflows WHERE id = $1), ''))
     ON CONFLICT (workflow_id) DO UPDATE SET available_at = excluded.available_at, lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL`,
    [id, at],
  );
}

async function write(c: Sql, workflowId: string, w: Write, now: number): Promise<void> {
  if (w.kind === 'intended') {
    await c.query(
      `INSERT INTO tool_calls (key, workflow_id, step_id, tool, input, status, attempts, intended_at) VALUES ($1, $2, $3, $4, $5, 'intended', 1, $6)
       ON CONFLICT (key) DO UPDATE SET status = 'intended', attempts = tool_calls.attempts + 1, error = NULL, intended_at = excluded.intended_at, finished_at = NULL`,
      [w.key, workflowId, w.stepId, w.tool, canonicalJson(w.input), now],
    );
  } else if (w.kind === 'finished') {
    await c.query('UPDATE tool_calls SET status = $1, result = $2, error = $3, finished_at = $4 WHERE key = $5', [
      w.status,
      w.result === undefined ? null : canonicalJson(w.result),
      w.error,
      now,
      w.key,
    ]);
  } else if (w.hits.length > 0) {
    const values: unknown[] = [];
    const tuples = w.hits.map((h, rank) => {
      const location = h.startLine === undefined ? null : JSON.stringify({ root: h.root, startLine: h.startLine, endLine: h.endLine, heading: h.heading });
      const row = [workflowId, w.planVersion, rank, h.chunkId, h.docId, h.docVersion, h.score, h.stale, location];
      const t = `(${row.map((_, k) => `$${values.length + k + 1}`).join(', ')})`;
      values.push(...row);
      return t;
    });
    await c.query(`INSERT INTO retrieval_snapshots (workflow_id, plan_version, rank, chunk_id, doc_id, doc_version, score, stale, location) VALUES ${tuples.join(', ')}`, values);
  }
}
