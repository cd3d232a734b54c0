// The runbook planner: no model. It picks the workspace runbook that answers the alert, turns its fenced
// blocks into plan steps and fills them from the alert. The runbook is data: its prose is never read as an
// instruction and every command is classified, whatever the fence declares.
import { createHash } from 'node:crypto';
import { parseRunbook } from '../../runbook';
import { classifyCommand } from '../../risk';
import type { DecideRequest, DecideResult } from '../../workflow/decision';
import { runbookDecision } from './decide';
import { TOOL } from '../../tools/names';
import { ClassifiedError, messageOf } from '../../workflow/failures';
import type { Planner, PlanRequest, PlanResult } from '../../workflow/planner';
import { alertQuery, snapshotOf, type PlanningContext } from '../context';
import type { SearchHit } from '../../retrieval/search';
import { assemble } from './assemble';
import { alertExpression } from './check';
import { chooseRunbook, hitPath } from './choose';
import { clip } from './reference';
import { buildCandidates } from './steps';
import { listMarkdown, readRunbook } from './workspace';

/** The PromQL tool's input bound (engine/tools/promql.ts). */
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

    const choice = chooseRunbook({ request, workspace, files: listMarkdown(workspace), hits, notes });
    if (!choice) {
      // Without retrieval the answer "no runbook" is not known to be true: let the failure class decide.
      if (searchError !== null) throw searchError;
      const name = request.labels.alertname ?? request.title;
      throw new ClassifiedError('permanent', clip(`no runbook found for alert ${name}${notes.length ? ` (${notes.join('; ')})` : ''}`, 1000));
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
    const tools = new Set(this.context.tools.map((t) => t.name));

    const shell = this.context.tools.find((t) => t.name === TOOL.shell);
    // The shell tool knows the allowed hosts; without one (planning only), the classifier judges with none.
    const assessShell = (command: string) => shell?.assess?.({ command }) ?? classifyCommand(command);
    const candidates = buildCandidates({ runbook, request, docVersion, tools, chunks, notes, assessShell });
    let expression = tools.has(TOOL.promql) ? alertExpression(request) : undefined;
    if (expression !== undefined && expression.length > MAX_QUERY_CHARS) {
      notes.push(`the alert's expression is ${expression.length} characters, more than a query takes (${MAX_QUERY_CHARS}); not re-evaluated`);
      expression = undefined;
    }
    const steps = assemble({ candidates, rejected: input.rejected, maxSteps: this.maxSteps, runbookPath: choice.path, expression, notes });
    if (steps.length === 0) {
      throw new ClassifiedError('permanent', clip(`runbook ${choice.path} has no step the engine can run${notes.length ? ` (${notes.join('; ')})` : ''}`, 1000));
    }
    const count = (phase: string) => steps.filter((s) => s.phase === phase && s.tool !== TOOL.ask).length;
    const questions = steps.filter((s) => s.tool === TOOL.ask).length;
    const summary = [
      `Runbook ${choice.path}: ${choice.reason}.`,
      `${count('diagnose')} diagnose, ${count('mitigate')} mitigate, ${count('verify')} verify step(s); ${questions} question(s).`,
      ...notes.map((n) => `Note: ${n}.`),
    ].join(' ');
    return {
      plan: { summary: clip(summary, 2000), steps },
      snapshot: snapshotOf(hits),
      trace: { route: { choice: `runbook:${choice.path}`, reason: clip(choice.reason, 500) } },
    };
  }
}
