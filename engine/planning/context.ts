import type { AlertQuery } from '../memory/retrieval/query';
import type { SearchHit } from '../memory/retrieval/search';
import type { AnyTool } from '../control/workflow/tool';
import type { AlertRequest } from '../control/workflow/request';
import type { SnapshotHit } from '../../protocol/workflow';

/** What every planner may use besides the alert: the workspace, retrieval over its docs, the tools a plan may name. */
export interface PlanningContext {
  /** Absolute path of the workspace folder; runbook paths in hits are relative to it. */
  readonly workspace: string;
  /** Hybrid search over the workspace's indexed docs (engine/memory/retrieval). */
  search(query: string | AlertQuery, k: number): Promise<SearchHit[]>;
  /** The tools available to this engine; a plan naming any other tool is invalid. */
  readonly tools: readonly AnyTool[];
  /** runbookAgent.tools.allowedHosts: health URLs a built-in diagnostic may GET. */
  readonly allowedHosts?: readonly string[];
  /** The user's policy lets a model propose writes no runbook step names (they still wait for approval). */
  readonly allowModelWrites?: boolean;
  /**
   * Earlier incidents of the same alert (engine/memory/incidents): "last time" for the plan and the model's context. Data
   * about the past, never instructions; already redacted and size-capped. May answer later (a `serve --store`
   * replica reads the shared control store); planners read it through recallIncidents.
   */
  recall?(request: AlertRequest, workflowId: string): Promise<readonly RecalledIncident[]> | readonly RecalledIncident[];
}

/** One earlier incident as a planner reads it: the workflow it was, and one paragraph of what happened. */
export interface RecalledIncident {
  readonly workflowId: string;
  /** lastTime() of engine/memory/incidents/incident: when, how it ended, what ran, what fixed it. */
  readonly text: string;
}

/** At most this many earlier incidents reach a plan; each paragraph at most this long. */
const MAX_RECALLED = 3;
const MAX_RECALLED_CHARS = 600;

/** Earlier incidents for this alert; a memory that cannot be read (a throw, a rejection) never stops a plan. */
export async function recallIncidents(context: PlanningContext, request: AlertRequest, workflowId: string): Promise<RecalledIncident[]> {
  try {
    return ((await context.recall?.(request, workflowId)) ?? []).slice(0, MAX_RECALLED).map((r) => ({ workflowId: r.workflowId, text: r.text.length > MAX_RECALLED_CHARS ? `${r.text.slice(0, MAX_RECALLED_CHARS - 1)}…` : r.text }));
  } catch {
    return [];
  }
}

/** The retrieval query for an alert: its name, title, human-written annotations and labels, each in its own field. */
export function alertQuery(request: AlertRequest): AlertQuery {
  const a = request.annotations;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const name = text(request.labels.alertname) ?? request.title;
  // Each part in its field, so retrieval weighs the name most (engine/memory/retrieval/query.ts); a text alert's body is
  // its description.
  const description = [a.description, a.message, request.body].filter((p) => text(p) !== undefined).join('\n').slice(0, 2000);
  // The title is often the summary; when it says something else (a text alert's first line) it counts as one.
  const summary = [...new Set([request.title, a.summary].filter((p): p is string => text(p) !== undefined && p !== name))].join('\n');
  return { name, summary: summary || undefined, description: description || undefined, labels: request.labels };
}

/** The audit record of what the planner saw. */
export function snapshotOf(hits: readonly SearchHit[]): SnapshotHit[] {
  return hits.map((h) => ({ chunkId: String(h.chunkId), docId: h.path, docVersion: h.docVersion, score: h.score, stale: h.stale, root: h.root, startLine: h.startLine, endLine: h.endLine, heading: h.heading }));
}
