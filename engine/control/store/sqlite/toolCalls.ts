import type { ToolCallRecord, ToolCallStatus } from '../../../../protocol/workflow';
import type { Db } from '../../db/open';
import { canonicalJson } from '../../workflow/canonical';
import { iso } from '../../workflow/clock';
import { sql } from './sql';

interface Row {
  key: string;
  workflow_id: string;
  step_id: string;
  tool: string;
  input: string;
  status: ToolCallStatus;
  attempts: number;
  result: string | null;
  error: string | null;
  intended_at: number;
  finished_at: number | null;
}

export interface ToolCallRow {
  readonly key: string;
  readonly status: ToolCallStatus;
  readonly attempts: number;
  readonly result: unknown;
}

/** Idempotency records: "intended" is written before a tool starts, "done" with its result after. */
export function getToolCall(db: Db, key: string): ToolCallRow | null {
  const row = sql(db, 'SELECT key, status, attempts, result FROM tool_calls WHERE key = ?').get(key) as Pick<Row, 'key' | 'status' | 'attempts' | 'result'> | undefined;
  if (!row) return null;
  return { key: row.key, status: row.status, attempts: row.attempts, result: row.result === null ? null : (JSON.parse(row.result) as unknown) };
}

export function markIntended(db: Db, c: { key: string; workflowId: string; stepId: string; tool: string; input: unknown; now: number }): void {
  sql(db, 
    `INSERT INTO tool_calls (key, workflow_id, step_id, tool, input, status, attempts, intended_at) VALUES (?, ?, ?, ?, ?, 'intended', 1, ?)
     ON CONFLICT (key) DO UPDATE SET status = 'intended', attempts = attempts + 1, error = NULL, intended_at = excluded.intended_at, finished_at = NULL`,
  ).run(c.key, c.workflowId, c.stepId, c.tool, canonicalJson(c.input), c.now);
}

export function markFinished(db: Db, key: string, status: Exclude<ToolCallStatus, 'intended'>, now: number, result: unknown, error: string | null): void {
  sql(db, 'UPDATE tool_calls SET status = ?, result = ?, error = ?, finished_at = ? WHERE key = ?').run(
    status,
    result === undefined ? null : canonicalJson(result),
    error,
    now,
    key,
  );
}

export function listToolCalls(db: Db, workflowId: string): ToolCallRecord[] {
  const rows = sql(db, 'SELECT * FROM tool_calls WHERE workflow_id = ? ORDER BY intended_at, rowid').all(workflowId) as Row[];
  return rows.map((r) => ({
    key: r.key,
    stepId: r.step_id,
    tool: r.tool,
    status: r.status,
    attempts: r.attempts,
    input: JSON.parse(r.input) as unknown,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error: r.error,
    intendedAt: iso(r.intended_at),
    finishedAt: r.finished_at === null ? null : iso(r.finished_at),
  }));
}
