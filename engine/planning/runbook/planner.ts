// The runbook planner: no model. It picks the workspace runbook that answers the alert, turns its fenced
// blocks into plan steps and fills them from the alert. The runbook is data: its prose is never read as an
// instruction and every command is classified, whatever the fence declares.
import { createHash } from 'node:crypto';
import { parseRunbook } from '../../memory/runbook';
import { classifyCommand } from '../../execution/risk';
import type { DecideRequest, DecideResult } from '../../control/workflow/decision';
import { runbookDecision } from './decide';
import { TOOL } from '../../execution/tools/names';
import { ClassifiedError, messageOf } from '../../control/workflow/failures';
import type { Planner, PlanRequest, PlanResult } from '../../control/workflow/planner';
import { alertQuery, recallIncidents, snapshotOf, type PlanningContext } from '../context';
import type { SearchHit } from '../../memory/retrieval/search';
import { assemble } from './assemble';
import { alertExpression } from './check';
import { chooseRunbook, hitPath, type Choice } from './choose';
import { EXPR_CHECK_ID } from './ids';
import type { PlanStepInput } from '../../control/workflow/plan';
import { clip } from './reference';
import { builtinSteps, checklistSteps, confirmRunbookStep, noRunbookStep, placeAfterPhase, placeBuiltins } from './extras';
import { buildCandidates } from './steps';
import { placeSilence } from './silence';
import { listMarkdown, readRunbook } from './workspace';

/** A person chose the runbook (Use another runbook): it is taken as given, when it is a Markdown file here. */
function chosenByPerson(rel: string, files: readonly string[]): Choice {
  if (!files.includes(rel)) throw new ClassifiedError('permanent', `the runbook a person chose, ${rel}, is not a Markdown file of this workspace`);
  return { path: rel, reason: `a person chose ${rel}` };
}

/** The alert rule's expression as the plan's last check, when the PromQL tool can re-evaluate it. */
function expressionStep(expression: string | undefined): PlanStepInput[] {
  if (expression === undefined) return [];
  return [{ id: EXPR_CHECK_ID, tool: TOOL.promql, input: { query: expression }, approval: false, risk: 'read', phase: 'verify', rationale: "verify step: the alert rule's expression returns no series once the cause is gone", check: { empty: true } }];
}

/** A runbook with nothing the engine can run or a person can tick: the whole runbook is the instruction. */
function noStepsStep(path: string, notes: readonly string[]): PlanStepInput {
  return {
    id: 'read-runbook',
    tool: TOOL.checklist,
    input: { name: 'read-runbook', item: clip(`Read ${path} and act on it: nothing in it could be turned into a step${notes.length ? ` (${notes.join('; ')})` : ''}. \`runbook-agent lint\` shows why.`, 1000) },
    approval: false,
    risk: 'read',
    phase: 'diagnose',
    rationale: 'the runbook holds nothing the engine can run: a person reads it',
  };
}

/** The PromQL tool's input bound (engine/execution/tools/promql.ts). */
const MAX_QUERY_CHARS = 10_000;

export interface RunbookPlannerOptions {
  readonly context: PlanningContext;
  /** Runbook steps per plan (questions and the alert-expression check come on top). */
  readonly maxSteps?: number;
  /** Retrieval hits to ask for. */
  readonly searchK?: number;
}

export class RunbookPlanner implements Planner {
  readonly name = 'runbook';
  readonly provider = 'none';
  private readonly context: PlanningContext;
  private readonly maxSteps: number;
  private readonly searchK: number;

  constructor(options: RunbookPlannerOptions) {
    this.context = options.context;
    this.maxSteps = Math.max(1, Math.floor(options.maxSteps ?? 12));
    this.searchK = options.searchK ?? 10;
  }

  /** After a phase: conditions checked against the outputs, findings noted, declined mitigations escalated. */
  async decide(input: DecideRequest, signal: AbortSignal): Promise<DecideResult> {
    signal.throwIfAborted();
    return { decision: runbookDecision(input), by: this.name };
  }

  async plan(input: PlanRequest, signal: AbortSignal): Promise<PlanResult> {
    signal.throwIfAborted();
    const { request } = input;
    const { workspace } = this.context;
    const notes: string[] = [];
    let hits: SearchHit[] = [];
    let searchError: unknown = null;
    try {
      hits = await this.context.search(alertQuery(request), this.searchK);
    } catch (error) {
      searchError = error;
    }
    signal.throwIfAborted();

    const shell = this.context.tools.find((t) => t.name === TOOL.shell);
    // The shell tool knows the allowed hosts; without one (planning only), the classifier judges with none.
    const assessShell = (command: string) => shell?.assess?.({ command }) ?? classifyCommand(command);
    const tools = new Set(this.context.tools.map((t) => t.name));
    const builtins = builtinSteps(request, this.context.tools, this.context.allowedHosts ?? []);
    let expression = tools.has(TOOL.promql) ? alertExpression(request) : undefined;
    if (expression !== undefined && expression.length > MAX_QUERY_CHARS) {
      notes.push(`the alert's expression is ${expression.length} characters, more than a query takes (${MAX_QUERY_CHARS}); not re-evaluated`);
      expression = undefined;
    }

    const files = listMarkdown(workspace);
    const choice = input.runbook !== undefined ? chosenByPerson(input.runbook, files) : chooseRunbook({ request, workspace, files, hits, notes });
    if (!choice) {
      // Without retrieval the answer "no runbook" is not known to be true: let the failure class decide.
      if (searchError !== null) throw searchError;
      const name = request.labels.alertname ?? request.title;
      // No dead end: the built-ins that fit, the alert's own expression, and a checklist item that says so.
      const steps = placeAfterPhase(expressionStep(expression), [...builtins, noRunbookStep(name, notes.join('; ') || 'nothing names it and search found nothing')]);
      return { plan: { summary: clip(`No runbook answers ${name}. ${builtins.length} built-in diagnostic(s); a person checks the rest by hand.`, 2000), steps }, snapshot: snapshotOf(hits), trace: { route: { choice: 'none', reason: 'no runbook found' } } };
    }
    if (searchError !== null) notes.push(`retrieval failed (${clip(messageOf(searchError), 200)}); chosen without it`);

    let text: string;
    try {
      text = readRunbook(workspace, choice.path);
    } catch (error) {
      throw new ClassifiedError('permanent', `cannot read runbook ${choice.path}: ${messageOf(error)}`);
    }
    const runbook = parseRunbook(text, { path: choice.path });
    const docVersion = createHash('sha256').update(text).digest('hex').slice(0, 16);
    const chunks = hits.filter((h) => hitPath(h, workspace) === choice.path).map((h) => [h.startLine, h.endLine, String(h.chunkId)] as const);

    const candidates = buildCandidates({ runbook, request, docVersion, tools, chunks, notes, assessShell });
    let steps = assemble({ candidates, rejected: input.rejected, maxSteps: this.maxSteps, runbookPath: choice.path, expression, notes });
    // Built-ins when no diagnostic of the runbook runs on its own with the alert's labels (or there are none),
    // before the first step that waits for a person.
    const labelled = candidates.some((c) => c.phase === 'diagnose' && c.risk === 'read' && c.asks.size === 0 && c.filled.length > 0);
    if (!labelled) steps = placeBuiltins(steps, builtins);
    const extra = checklistSteps(runbook, docVersion);
    if (choice.bySearch) extra.unshift(confirmRunbookStep(choice.path, choice.reason, choice.alternatives ?? []));
    steps = placeAfterPhase(steps, extra);
    steps = placeSilence(steps, input, tools, notes); // Alertmanager write-back: a silence before the first mitigation write (silence.ts)
    if (steps.length === 0) steps = [noStepsStep(choice.path, notes)];
    const count = (phase: string) => steps.filter((s) => s.phase === phase && s.tool !== TOOL.ask && s.tool !== TOOL.checklist).length;
    const questions = steps.filter((s) => s.tool === TOOL.ask).length;
    const todos = steps.filter((s) => s.tool === TOOL.checklist).length;
    const builtin = steps.filter((s) => s.origin === 'builtin').length;
    const summary = [
      `Runbook ${choice.path}: ${choice.reason}.`,
      `${count('diagnose')} diagnose${builtin ? ` (${builtin} built in)` : ''}, ${count('mitigate')} mitigate, ${count('verify')} verify step(s); ${questions} question(s); ${todos} checklist item(s).`,
      ...(await recallIncidents(this.context, request, input.workflowId)).map((r) => `Last time (workflow ${r.workflowId}): ${r.text}`),
      ...notes.map((n) => `Note: ${n}.`),
    ].join(' ');
    // The chosen runbook is in the audit record however it was chosen, with the version that was read.
    const chosen = { chunkId: 'runbook', docId: choice.path, docVersion, score: 1, stale: false, root: workspace, startLine: 1, endLine: Math.max(1, text.split('\n').length), heading: runbook.title ?? choice.path };
    return {
      plan: { summary: clip(summary, 2000), steps },
      snapshot: [chosen, ...snapshotOf(hits).filter((h) => !(h.docId === choice.path && h.chunkId === 'runbook'))],
      trace: { route: { choice: `runbook:${choice.path}`, reason: clip(choice.reason, 500) } },
    };
  }
}
