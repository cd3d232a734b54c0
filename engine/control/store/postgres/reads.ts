// Reads: views, summaries, a workflow's events (its chain, in order), the replay, tool-call records, snapshots.
import type { ToolCallRecord, WorkflowEvent, WorkflowState, WorkflowSummary } from '../../../../protocol/workflow';
import { WorkflowState as State } from '../../../../protocol/workflow';
import { iso } from '../../workflow/clock';
import { UnknownWorkflow } from '../../workflow/errors';
import { toWireEvent } from '../sqlite/eventLog';
import { summarize } from '../sqlite/query';
import { applyEvent } from '../../workflow/reducer';
import type { ToolCallRow } from '../sqlite/toolCalls';
import { EventRowSchema, parseView, SnapshotRowSchema, ToolCallRowSchema, type EventRow } from '../rows';
import type { ListOptions, SnapshotRow, WorkflowView } from '../types';
import type { Sql } from './connect';
import { z } from 'zod';

export async function view(c: Sql, id: string): Promise<WorkflowView | null> {
  const row = (await c.query('SELECT view FROM workflows WHERE id = $1', [id])).rows[0] as { view: string } | undefined;
  return row ? parseView(row.view) : null;
}

export async function list(c: Sql, options: ListOptions = {}): Promise<WorkflowSummary[]> {
  const limit = options.limit ?? 1000;
  const res = options.state
    ? await c.query('SELECT view FROM workflows WHERE state = $1 ORDER BY created_at DESC, id LIMIT $2', [options.state, limit])
    : await c.query('SELECT view FROM workflows ORDER BY created_at DESC, id LIMIT $1', [limit]);
  return (res.rows as Array<{ view: string }>).map((r) => summarize(parseView(r.view)));
}

const StateCount = z.object({ state: State, n: z.coerce.number().int() });

export async function countByState(c: Sql): Promise<Partial<Record<WorkflowState, number>>> {
  const rows = (await c.query('SELECT state, count(*) AS n FROM workflows GROUP BY state')).rows.map((r) => StateCount.parse(r));
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export function wireEvent(row: EventRow): WorkflowEvent {
  return toWireEvent(row);
}

export async function events(c: Sql, workflowId: string): Promise<WorkflowEvent[]> {
  const res = await c.query('SELECT * FROM events WHERE workflow_id = $1 ORDER BY chain_seq', [workflowId]);
  return res.rows.map((r) => wireEvent(EventRowSchema.parse(r)));
}

export async function replay(c: Sql, workflowId: string): Promise<WorkflowView> {
  const res = await c.query('SELECT * FROM events WHERE workflow_id = $1 ORDER BY chain_seq', [workflowId]);
  let v: WorkflowView | null = null;
  for (const raw of res.rows) {
    const r = EventRowSchema.parse(raw);
    v = applyEvent(v, { workflowId, type: r.type, to: r.to_state, at: r.at, data: JSON.parse(r.data) as Record<string, unknown> });
  }
  if (!v) throw new UnknownWorkflow(workflowId);
  return v;
}

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export async function toolCall(c: Sql, key: string): Promise<ToolCallRow | null> {
  const raw = (await c.query('SELECT * FROM tool_calls WHERE key = $1', [key])).rows[0];
  if (!raw) return null;
  const r = ToolCallRowSchema.parse(raw);
  return { key: r.key, status: r.status, attempts: r.attempts, result: parseJson(r.result) };
}

export async function toolCalls(c: Sql, workflowId: string): Promise<ToolCallRecord[]> {
  const res = await c.query('SELECT * FROM tool_calls WHERE workflow_id = $1 ORDER BY intended_at, ord', [workflowId]);
  return res.rows.map((raw) => {
    const r = ToolCallRowSchema.parse(raw);
    return {
      key: r.key,
      stepId: r.step_id,
      tool: r.tool,
      status: r.status,
      attempts: r.attempts,
      input: JSON.parse(r.input) as unknown,
      result: parseJson(r.result),
      error: r.error,
      intendedAt: iso(r.intended_at),
      finishedAt: r.finished_at === null ? null : iso(r.finished_at),
    };
  });
}

export async function snapshot(c: Sql, workflowId: string): Promise<SnapshotRow[]> {
  const res = await c.query('SELECT * FROM retrieval_snapshots WHERE workflow_id = $1 ORDER BY plan_version, rank', [workflowId]);
  return res.rows.map((raw) => {
    const r = SnapshotRowSchema.parse(raw);
    return {
      ...(r.location === null ? {} : (JSON.parse(r.location) as { root?: string; startLine?: number; endLine?: number; heading?: string })),
      planVersion: r.plan_version,
      chunkId: r.chunk_id,
      docId: r.doc_id,
      docVersion: r.doc_version,
      score: r.score,
      stale: r.stale,
    };
  });
}

/** Completed, escalated or cancelled workflows of a workspace with a call of this tool done at or after `since`. */
export async function settledWithDoneCalls(c: Sql, workspace: string, tool: string, since: number): Promise<string[]> {
  const res = await c.query(
    `SELECT DISTINCT t.workflow_id AS id FROM tool_calls t JOIN workflows w ON w.id = t.workflow_id
       WHERE t.tool = $1 AND t.status = 'done' AND t.finished_at >= $2 AND w.workspace = $3 AND w.state IN ('COMPLETED', 'ESCALATED', 'CANCELLED')`,
    [tool, since, workspace],
  );
  return (res.rows as Array<{ id: string }>).map((r) => r.id);
}
