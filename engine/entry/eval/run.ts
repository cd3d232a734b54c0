// One case, one run: a temporary workspace and database, the engine's own tools with run() replayed from the
// recordings, the real planner and orchestrator under the policy gate at the `approved-writes` tier (writes reach
// a person's approval and wait there), and the case's person answering, approving, rejecting or ticking where it
// says so. The run ends where the workflow settles or waits for something the case does not give. What happened
// is read back from the durable record: plans, tool calls, waits, decisions, skips and the incident summary.
import fs from 'node:fs';
import path from 'node:path';
import { workspaceGate } from '../agent/policy';
import { openDatabase, type Db } from '../../control/db/open';
import { composeSummary, type IncidentSummary, type SummaryEvent } from '../../planning/observe/summary';
import { citation, observe } from '../../planning/observe/observations';
import { setTier } from '../../control/store/sqlite/tiers';
import { createTools } from '../../execution/tools/catalogue';
import { builtinTools } from '../../execution/tools/builtin';
import { BUILTIN_TOOLS } from '../../execution/tools/names';
import type { CallRecord } from '../../control/workflow/decision';
import { eventsOf } from '../../control/store/sqlite/eventLog';
import { messageOf } from '../../control/workflow/failures';
import { intake } from '../../control/store/sqlite/intake';
import { Orchestrator } from '../../control/workflow/orchestrator';
import { SqliteControlStore } from '../../control/store/sqlite/store';
import { answer, approve, reject, tick } from '../../control/workflow/person';
import type { Plan } from '../../control/workflow/plan';
import { requireView } from '../../control/store/sqlite/commit';
import { ToolRegistry, type AnyTool } from '../../control/workflow/tool';
import { listToolCalls } from '../../control/store/sqlite/toolCalls';
import type { WorkflowView } from '../../control/workflow/view';
import { sourceOf, type LoadedCase } from './load';
import { choosePlanner, type ModelSpec } from './planners';
import { describeInput, normalizeText, Recordings, replayTools } from './replay';
import type { EvalRetrieval } from './retrieval';

/** The Prometheus the PromQL tool is configured with: never reached, the replaying layer answers. */
export const EVAL_PROMETHEUS_URL = 'http://prometheus.eval.invalid:9090';
/** A person's actions per run, at most: a case that loops is stopped here. */
const MAX_ACTIONS = 40;
const PERSON = 'eval-person';

export interface RunContext {
  /** The public corpus (holds runbooks/), or null when absent. */
  readonly corpus: string | null;
  /** Where a case's `base` folder is found (the repository). */
  readonly repoRoot: string;
  /** A folder for this evaluation's workspaces and databases. */
  readonly tmp: string;
  readonly model: ModelSpec | null;
  readonly retrieval: EvalRetrieval;
  readonly planTimeoutMs?: number;
  /** Authoring aid: a call with no recording answers an empty success instead of being refused (still listed as unrecorded). */
  readonly stubUnrecorded?: boolean;
}

export interface RunCall {
  readonly stepId: string;
  readonly tool: string;
  /** What ran, as describe() shows it. */
  readonly what: string;
  readonly status: CallRecord['status'];
  readonly citation: string;
  readonly error: string | null;
}

export interface RunWait {
  readonly kind: string;
  /** For an approval: the tool of the step. */
  readonly tool?: string;
  readonly stepId: string;
  readonly what: string;
  readonly risk?: string;
}

export interface PersonAction {
  readonly action: 'answer' | 'approve' | 'reject' | 'tick';
  readonly stepId: string;
  readonly value?: string;
}

/** What one run of one case did, read back from the workflow's record. */
export interface CaseRun {
  readonly workflowId: string | null;
  readonly state: string;
  readonly reason: string | null;
  /** The planner that planned, and the runbook its plan came from (route, else its steps' sources). */
  readonly planner: string | null;
  readonly runbook: string | null;
  readonly plan: Plan | null;
  readonly plans: number;
  readonly calls: RunCall[];
  readonly waits: RunWait[];
  readonly person: PersonAction[];
  readonly skipped: WorkflowView['skipped'];
  readonly decisions: Array<{ phase: string; by: string; notes: string[] }>;
  readonly usage: { steps: number; toolCalls: number; tokens: number };
  readonly unrecorded: Array<{ tool: string; input: string }>;
  readonly summary: IncidentSummary | null;
  /** Known failure signatures the outputs matched: the lines the summary's likely causes rest on. */
  readonly findings: Array<{ citation: string; stepId: string; meaning: string; line: string }>;
  /** Where the run stopped, in words: settled, or what it waits for that the case does not give. */
  readonly stoppedAt: string;
  readonly ms: number;
  /** The harness failed (not the workflow): the run counts as failed. */
  readonly error: string | null;
}

/**
 * The engine's tools for this workspace, as on a machine where Prometheus is configured, kubectl answers for a
 * cluster and systemd runs: the built-in diagnostics are registered whatever this machine has, so a plan does not
 * depend on where the evaluation runs (their calls are replayed like any other).
 */
export function evalTools(workspace: string): AnyTool[] {
  const catalogue = createTools({ workspace, prometheusUrl: EVAL_PROMETHEUS_URL, allowedHosts: [] }).filter((t) => !BUILTIN_TOOLS.has(t.name));
  const builtins = builtinTools(
    { workspace, prometheusUrl: EVAL_PROMETHEUS_URL, outputCapBytes: 65_536, passEnv: [] },
    { platform: 'linux', kubernetes: () => ({ available: true, context: 'eval' }), systemd: true },
  );
  return [...catalogue, ...builtins];
}

/** The case's temporary workspace: the base folder, then each runbook at its place. */
export function buildWorkspace(c: LoadedCase, ctx: Pick<RunContext, 'corpus' | 'repoRoot'>, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  if (c.spec.base !== undefined) fs.cpSync(path.resolve(ctx.repoRoot, c.spec.base), dir, { recursive: true });
  for (const r of c.spec.runbooks) {
    const s = sourceOf(r);
    const from = s.kind === 'file' ? path.join(c.dir, s.from) : path.join(ctx.corpus ?? '', 'runbooks', s.from);
    if (s.kind === 'corpus' && ctx.corpus === null) throw new Error(`the public corpus is absent; ${s.from} cannot be copied`);
    const to = path.join(dir, s.to);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  }
}

export async function runCase(c: LoadedCase, ctx: RunContext, n: number): Promise<CaseRun> {
  const t0 = performance.now();
  const base = path.join(ctx.tmp, `${c.id}-${n}`);
  const workspace = path.join(base, 'workspace');
  let db: Db | null = null;
  let search: Awaited<ReturnType<EvalRetrieval['forCase']>> | null = null;
  let orchestrator: Orchestrator | null = null;
  const recordings = new Recordings(c.spec.recordings, (f) => fs.readFileSync(path.join(c.dir, f), 'utf8'));
  try {
    buildWorkspace(c, ctx, workspace);
    db = openDatabase(path.join(base, 'engine.sqlite'));
    setTier(db, workspace, 'approved-writes', PERSON, Date.now());
    search = await ctx.retrieval.forCase(db, workspace);
    const tools = replayTools(evalTools(workspace), recordings, { stubUnrecorded: ctx.stubUnrecorded });
    const context = { workspace, tools, allowedHosts: [] as string[], search: search.search };
    const { planner } = choosePlanner(context, ctx.model);
    orchestrator = new Orchestrator({
      store: new SqliteControlStore(db),
      tools,
      planner,
      queue: workspace,
      policy: workspaceGate(workspace, undefined),
      concurrency: 1,
      planTimeoutMs: ctx.planTimeoutMs,
    });
    const { workflow } = intake(db, c.alert, { workspace });
    const person: PersonAction[] = [];
    await orchestrator.recover();
    let stoppedAt = '';
    for (let i = 0; ; i++) {
      await orchestrator.drain(Number.MAX_SAFE_INTEGER, 60_000);
      const view = requireView(db, workflow.id);
      if (i >= MAX_ACTIONS) {
        stoppedAt = `stopped after ${MAX_ACTIONS} actions of the person`;
        break;
      }
      const act = view.state === 'WAITING_FOR_PERSON' ? actFor(c, view) : null;
      if (act === null) {
        stoppedAt = whereItStopped(view);
        break;
      }
      person.push(act.record);
      act.apply(db, workflow.id);
    }
    return readRun(db, workflow.id, tools, recordings, person, stoppedAt, performance.now() - t0);
  } catch (error) {
    return failedRun(messageOf(error), recordings, performance.now() - t0);
  } finally {
    await orchestrator?.stop().catch(() => undefined);
    await search?.close().catch(() => undefined);
    db?.close();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/** True when `m` names this step: its id, or a substring of what it runs (whitespace-normalised). */
export function matchesStep(m: string, stepId: string, what: string): boolean {
  return m === stepId || normalizeText(what).includes(normalizeText(m));
}

/** What the case's person does about this wait, or null: the run ends there. */
function actFor(c: LoadedCase, view: WorkflowView): { record: PersonAction; apply: (db: Db, id: string) => void } | null {
  const w = view.waiting;
  const p = c.spec.person;
  if (!w) return null;
  const stepRef = { stepId: w.stepId };
  if (w.kind === 'question') {
    const value = p.answers[w.name] ?? Object.entries(p.answers).find(([k]) => w.question.includes(k))?.[1];
    if (value === undefined) return null;
    return { record: { action: 'answer', stepId: w.stepId, value }, apply: (db, id) => answer(db, id, value, PERSON, undefined, stepRef) };
  }
  if (w.kind === 'approval') {
    if (w.held) return null;
    const no = p.reject.find((r) => matchesStep(r.step, w.stepId, w.describe));
    if (no) return { record: { action: 'reject', stepId: w.stepId, value: no.reason }, apply: (db, id) => reject(db, id, PERSON, no.reason, undefined, stepRef) };
    if (!p.approve.some((m) => matchesStep(m, w.stepId, w.describe))) return null;
    return { record: { action: 'approve', stepId: w.stepId }, apply: (db, id) => approve(db, id, PERSON, undefined, { ...stepRef, inputHash: w.inputHash }) };
  }
  if (w.kind === 'checklist') {
    // A specific entry first; "*" ticks any other item.
    const outcome = Object.entries(p.tick).find(([k]) => k !== '*' && matchesStep(k, w.stepId, w.item))?.[1] ?? p.tick['*'];
    if (outcome === undefined) return null;
    return { record: { action: 'tick', stepId: w.stepId, value: outcome }, apply: (db, id) => tick(db, id, outcome, PERSON, 'ticked by the evaluation case', undefined, stepRef) };
  }
  return null;
}

function whereItStopped(view: WorkflowView): string {
  const w = view.waiting;
  if (view.state === 'WAITING_FOR_PERSON' && w) {
    if (w.kind === 'approval') return `waits for approval of ${w.stepId}: ${normalizeText(w.describe).slice(0, 200)}`;
    if (w.kind === 'question') return `waits for an answer (${w.name}): ${w.question.slice(0, 200)}`;
    if (w.kind === 'checklist') return `waits for a checklist tick (${w.stepId}): ${w.item.slice(0, 200)}`;
    return `waits for a person (${w.kind})`;
  }
  if (view.state === 'VALIDATING') return view.awaitingResolution ? 'waits for the alert to resolve (no verification step)' : 'validating';
  return view.reason ? `${view.state}: ${view.reason.slice(0, 300)}` : view.state;
}

function readRun(db: Db, id: string, tools: readonly AnyTool[], recordings: Recordings, person: PersonAction[], stoppedAt: string, ms: number): CaseRun {
  const view = requireView(db, id);
  const registry = new ToolRegistry(tools);
  const rows = listToolCalls(db, id);
  const calls: RunCall[] = rows.map((r) => ({ stepId: r.stepId, tool: r.tool, what: describeInput(registry.get(r.tool), r.input), status: r.status, citation: citation(r.key), error: r.error }));
  const events = eventsOf(db, id);
  const planned = events.filter((e) => e.type === 'planned').map((e) => e.data as { plan: Plan; planner?: string; trace?: { route?: { choice?: string } } | null });
  const first = planned[0];
  const waits: RunWait[] = events
    .filter((e) => e.type === 'waiting_for_person')
    .map((e) => (e.data as { waiting?: { kind: string; stepId: string; tool?: string; describe?: string; question?: string; item?: string; risk?: string } }).waiting)
    .filter((w): w is NonNullable<typeof w> => w !== undefined)
    .map((w) => ({ kind: w.kind, ...(w.tool ? { tool: w.tool } : {}), stepId: w.stepId, what: w.describe ?? w.question ?? w.item ?? '', ...(w.risk ? { risk: w.risk } : {}) }));
  const decisions = events.filter((e) => e.type === 'decided').map((e) => {
    const d = e.data as { phase?: string; by?: string; notes?: string[] };
    return { phase: d.phase ?? '', by: d.by ?? '', notes: d.notes ?? [] };
  });
  const callRecords: CallRecord[] = rows.map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }));
  const summaryEvents: SummaryEvent[] = events.map((e) => ({ type: e.type, at: Date.parse(e.at), actor: e.actor, data: (e.data ?? {}) as Record<string, unknown> }));
  return {
    workflowId: id,
    state: view.state,
    reason: view.reason,
    planner: first?.planner ?? null,
    runbook: first ? chosenRunbook(first.plan, first.trace?.route?.choice) : null,
    plan: view.plan,
    plans: planned.length,
    calls,
    waits,
    person,
    skipped: view.skipped,
    decisions,
    usage: view.usage,
    unrecorded: recordings.unrecorded.map(({ tool, input }) => ({ tool, input })),
    summary: composeSummary(view, callRecords, summaryEvents),
    findings: view.plan ? observe(view.plan, callRecords).flatMap((o) => o.findings.map((f) => ({ citation: o.id, stepId: o.stepId, meaning: f.meaning, line: wholeLine(o.output, f.line) }))) : [],
    stoppedAt,
    ms: Math.round(ms),
    error: null,
  };
}

/** A finding's line is clipped for people; a claim is judged on the whole line of output it came from. */
function wholeLine(output: string, line: string): string {
  const prefix = line.endsWith('…') ? line.slice(0, -1) : line;
  return output.split('\n').map((l) => l.trim()).find((l) => l.startsWith(prefix)) ?? line;
}

/** The runbook a plan came from: the runbook planner's route names it; a model's plan cites it in its steps' sources. */
export function chosenRunbook(plan: Plan, route: string | undefined): string | null {
  if (route?.startsWith('runbook:')) return route.slice('runbook:'.length);
  const counts = new Map<string, number>();
  for (const s of plan.steps) if (s.source?.path) counts.set(s.source.path, (counts.get(s.source.path) ?? 0) + 1);
  let best: string | null = null;
  for (const [p, n] of counts) if (best === null || n > counts.get(best)!) best = p;
  return best;
}

function failedRun(error: string, recordings: Recordings, ms: number): CaseRun {
  return {
    workflowId: null,
    state: 'ERROR',
    reason: null,
    planner: null,
    runbook: null,
    plan: null,
    plans: 0,
    calls: [],
    waits: [],
    person: [],
    skipped: {},
    decisions: [],
    usage: { steps: 0, toolCalls: 0, tokens: 0 },
    unrecorded: recordings.unrecorded.map(({ tool, input }) => ({ tool, input })),
    summary: null,
    findings: [],
    stoppedAt: `the harness failed: ${error}`,
    ms: Math.round(ms),
    error,
  };
}
