// Shared by the runbook planner tests: tool stubs, a small lexical search over a folder's Markdown sections,
// and one call to plan.
import fs from 'node:fs';
import path from 'node:path';
import { listMarkdown, RunbookPlanner } from '../../../../engine/planning/runbook';
import type { PlanningContext } from '../../../../engine/planning/context';
import { searchQuery } from '../../../../engine/memory/retrieval/query';
import type { SearchHit } from '../../../../engine/memory/retrieval/search';
import { parseShell, walk, wordOf } from '../../../../engine/execution/risk/parse';
import { Plan } from '../../../../engine/control/workflow/plan';
import type { PlanRequest, PlanResult } from '../../../../engine/control/workflow/planner';
import type { AlertRequest } from '../../../../engine/control/workflow/request';
import type { AnyTool } from '../../../../engine/control/workflow/tool';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const DEMO = path.join(ROOT, 'examples', 'demo-workspace');
export const HOSTILE = path.join(__dirname, 'hostile');
export const FIXTURES = path.join(__dirname, 'fixtures');

/** The planner only reads tool names; the stubs never run. */
export const toolsNamed = (...names: string[]) => names.map((name) => ({ name }) as unknown as AnyTool);
export const ALL_TOOLS = toolsNamed('shell', 'promql_query', 'ask_person', 'read_file', 'http_request');
export const NO_PROMQL = toolsNamed('shell', 'ask_person');

/**
 * A real but small retrieval: every heading section of every Markdown file is a chunk, scored by how many
 * distinct query words (3+ letters) it contains. Enough to tell the demo runbooks apart.
 */
export function lexicalSearch(workspace: string): (query: string, k: number) => Promise<SearchHit[]> {
  const chunks: Array<Omit<SearchHit, 'score'>> = [];
  let id = 1;
  for (const rel of listMarkdown(workspace)) {
    const lines = fs.readFileSync(path.join(workspace, rel), 'utf8').split('\n');
    let start = 0;
    const flush = (end: number) => {
      if (end <= start) return;
      const text = lines.slice(start, end).join('\n');
      const heading = /^#+\s*(.*)$/m.exec(text)?.[1] ?? '';
      chunks.push({ root: workspace, path: rel, startLine: start + 1, endLine: end, heading, docVersion: 'v1', stale: false, chunkId: id++, text });
      start = end;
    };
    lines.forEach((l, i) => /^#{1,6}\s/.test(l) && flush(i));
    flush(lines.length);
  }
  return async (query, k) => {
    const words = new Set(searchQuery(query).dense.toLowerCase().match(/[a-z0-9_]{3,}/g) ?? []);
    return chunks
      .map((c) => ({ ...c, score: [...words].filter((w) => c.text.toLowerCase().includes(w)).length }))
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score || a.chunkId - b.chunkId)
      .slice(0, k);
  };
}

export function context(workspace: string, options: { tools?: readonly AnyTool[]; search?: PlanningContext['search'] } = {}): PlanningContext {
  return { workspace, tools: options.tools ?? ALL_TOOLS, search: options.search ?? lexicalSearch(workspace) };
}

export function planRequest(request: AlertRequest, rejected: PlanRequest['rejected'] = []): PlanRequest {
  return { workflowId: 'wf-test', request, replans: rejected.length > 0 ? 1 : 0, feedback: null, rejected };
}

export interface PlannedStep {
  id: string;
  tool: string;
  input: { command?: string; query?: string; name?: string; question?: string; item?: string };
  approval: boolean;
  risk?: 'read' | 'write';
  phase?: string;
  rationale?: string;
  source?: { path: string; startLine: number; endLine: number; heading?: string; docVersion?: string; chunkId?: string };
  check?: Record<string, unknown>;
}

/** Plans and validates against the Plan schema, as the orchestrator will. */
export async function plan(ctx: PlanningContext, request: AlertRequest, options: { rejected?: PlanRequest['rejected']; maxSteps?: number } = {}) {
  const planner = new RunbookPlanner({ context: ctx, ...(options.maxSteps ? { maxSteps: options.maxSteps } : {}) });
  const result: PlanResult = await planner.plan(planRequest(request, options.rejected), new AbortController().signal);
  const parsed = Plan.parse(result.plan);
  return { result, summary: parsed.summary, steps: parsed.steps as PlannedStep[] };
}

/** The argument lists of every simple command in a script, after quote removal (what the programs receive). */
export function argvs(script: string): Array<Array<{ text: string; dynamic: boolean }>> {
  const parsed = parseShell(script);
  if (!parsed.ok) throw new Error(`does not parse: ${parsed.error}`);
  const out: Array<Array<{ text: string; dynamic: boolean }>> = [];
  walk(parsed.file, (n, type) => {
    if (type === 'CallExpr' && n.Args?.length) out.push(n.Args.map(wordOf));
  });
  return out;
}
