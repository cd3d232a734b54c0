import type { DecideRequest, DecideResult } from '../control/workflow/decision';
import type { SettledRecord } from '../control/workflow/planner';
import type { SearchHit } from '../memory/retrieval/search';
import { ClassifiedError } from '../control/workflow/failures';
import type { PlanRequest, PlanResult, Planner } from '../control/workflow/planner';
import type { AlertRequest } from '../control/workflow/request';
import { alertQuery, type PlanningContext } from './context';
import { referencesOf, resolveReference } from './runbook/reference';
import { listMarkdown } from './runbook/workspace';

export type RouteChoice = 'runbook' | 'fast' | 'strong';

export interface RouteFacts {
  readonly severity: AlertRequest['severity'];
  /** The alert names a runbook (runbook_url / runbook) that exists in the workspace. */
  readonly namedRunbook: boolean;
  /** Best score of each retrieved document, highest first. */
  readonly documentScores: readonly number[];
  readonly hasFast: boolean;
  readonly hasStrong: boolean;
}

export interface Route {
  readonly choice: RouteChoice;
  readonly reason: string;
}

/** Two documents this close in score means retrieval could not tell which runbook applies. */
export const CLOSE_SCORES = 0.9;

/** Strong models where a mistake costs most or the runbook is unclear; no model at all for routine, clear cases. */
export function chooseRoute(f: RouteFacts): Route {
  const [first, second] = f.documentScores;
  let hard: string | null = null;
  if (f.severity === 'critical') hard = 'critical alert';
  else if (!f.namedRunbook && first === undefined) hard = 'ambiguous retrieval: no runbook named and no document retrieved';
  else if (!f.namedRunbook && second !== undefined && first !== undefined && second >= CLOSE_SCORES * first) {
    hard = `ambiguous retrieval: no runbook named and the top two documents score ${round(first)} and ${round(second)}`;
  }
  if (hard === null) return { choice: 'runbook', reason: f.namedRunbook ? 'routine alert naming a runbook in the workspace' : 'routine alert with a clear best runbook' };
  if (f.hasStrong) return { choice: 'strong', reason: hard };
  if (f.hasFast) return { choice: 'fast', reason: `${hard}; no strong model configured` };
  return { choice: 'runbook', reason: `${hard}; no model configured` };
}

/** When the runbook planner cannot plan (no steps in the runbook, nothing matched), a model may still draft one. */
export function fallsBack(error: unknown): boolean {
  return error instanceof ClassifiedError && (error.failureClass === 'validation' || error.failureClass === 'permanent');
}

export interface RoutingOptions {
  readonly runbook: Planner;
  readonly fast?: Planner;
  readonly strong?: Planner;
  readonly context: PlanningContext;
  /** Chunks fetched to compare documents; several chunks of one document count once. */
  readonly k?: number;
}

/** Picks a planner per alert (see chooseRoute) and records the choice and its reason in trace.route. */
export class RoutingPlanner implements Planner {
  readonly name = 'routing';
  readonly provider: string;

  constructor(private readonly o: RoutingOptions) {
    // One breaker for the router would let a failing model block the runbook planner; the runbook planner's
    // provider is used, and a model's failures surface as its own errors.
    this.provider = o.runbook.provider;
  }

  /** Decisions go to a model when one is configured (it reads the observations), else to the runbook planner. */
  async decide(input: DecideRequest, signal: AbortSignal): Promise<DecideResult> {
    const model = [this.o.fast, this.o.strong].find((p) => p?.decide);
    if (model) {
      try {
        return await model.decide!(input, signal);
      } catch (error) {
        const fallback = await this.o.runbook.decide!(input, signal);
        const decision = fallback.decision as { notes?: string[] };
        return { ...fallback, decision: { ...decision, notes: [...(decision.notes ?? []), `model ${model.name} could not decide (${(error as Error).message.slice(0, 200)}); the runbook planner did`] } };
      }
    }
    return this.o.runbook.decide!(input, signal);
  }

  /** The summary draft comes from the fast model (or the strong one); the runbook planner drafts none. */
  async summarize(record: SettledRecord, signal: AbortSignal): Promise<{ draft: unknown; tokens: number }> {
    const model = [this.o.fast, this.o.strong].find((p) => p?.summarize);
    if (!model) throw new Error('no model to draft the summary');
    return model.summarize!(record, signal);
  }

  async plan(input: PlanRequest, signal: AbortSignal): Promise<PlanResult> {
    const hits = await this.o.context.search(alertQuery(input.request), this.o.k ?? 10);
    const route = chooseRoute({
      severity: input.request.severity,
      namedRunbook: namedRunbook(input.request, this.o.context.workspace) !== null,
      documentScores: documentScores(hits),
      hasFast: this.o.fast !== undefined,
      hasStrong: this.o.strong !== undefined,
    });
    const planner = this.o[route.choice] ?? this.o.runbook;
    try {
      return withRoute(await planner.plan(input, signal), { choice: `${route.choice}:${planner.name}`, reason: route.reason });
    } catch (error) {
      if (route.choice !== 'runbook' || !this.o.fast || !fallsBack(error)) throw error;
      const reason = `runbook planner could not plan (${(error as Error).message.slice(0, 200)})`;
      return withRoute(await this.o.fast.plan(input, signal), { choice: `fast:${this.o.fast.name}`, reason });
    }
  }
}

function withRoute(result: PlanResult, route: { choice: string; reason: string }): PlanResult {
  return { ...result, trace: { ...result.trace, route } };
}

export function documentScores(hits: readonly SearchHit[]): number[] {
  const best = new Map<string, number>();
  for (const h of hits) best.set(h.path, Math.max(best.get(h.path) ?? -Infinity, h.score));
  return [...best.values()].sort((a, b) => b - a);
}

/** The workspace file the alert's runbook_url / runbook reference resolves to (the runbook planner's rules), or null. */
export function namedRunbook(request: AlertRequest, workspace: string): string | null {
  const files = listMarkdown(workspace);
  for (const ref of referencesOf(request)) {
    const resolved = resolveReference(ref, workspace, files);
    if (resolved) return resolved.path;
  }
  return null;
}

function round(n: number): string {
  return n.toFixed(3);
}
