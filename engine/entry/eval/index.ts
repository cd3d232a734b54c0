// The evaluation harness for the reasoning loop (issue #12): cases of an alert, a workspace of runbooks and
// recorded tool outputs, run through the real planner and orchestrator with a replaying tool layer, and scored
// element by element. `runbook-agent eval DIR` and `npm run bench -- eval` both call runEval(). See eval/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCases, type LoadedCase } from './load';
import type { ModelSpec } from './planners';
import { choosePlanner } from './planners';
import { EvalRetrieval } from './retrieval';
import { runCase, type CaseRun } from './run';
import { scoreRun, type Element, type ElementKind } from './score';
import { LEVELS, RED_HERRING } from './schema';

export { loadCases } from './load';
export type { ModelSpec } from './planners';
export { renderReport } from './report';

export interface EvalOptions {
  /** A case folder, or a folder of case folders. */
  readonly dir: string;
  /** The public corpus (its runbooks/ is where cases copy runbooks from); null when absent. */
  readonly corpus: string | null;
  /** Where `base` folders are found. */
  readonly repoRoot: string;
  /** null: the runbook planner (the no-model baseline). */
  readonly model: ModelSpec | null;
  readonly repeat: number;
  /** The embedding model for retrieval; null: no retrieval. */
  readonly modelDir: string | null;
  /** Why there is no retrieval, for the report (when modelDir is null). */
  readonly noRetrievalReason?: string;
  /** Only these case ids (folder names). */
  readonly only?: readonly string[];
  /** Only cases with one of these tags. */
  readonly tags?: readonly string[];
  /** The command line that produced the report, for the record. */
  readonly command?: string;
  readonly planTimeoutMs?: number;
  /** Authoring aid (see RunContext.stubUnrecorded): scores are then not meaningful. */
  readonly stubUnrecorded?: boolean;
  /** Called before each run (the scripted-model test queues the model's answer here). */
  readonly beforeRun?: (c: LoadedCase, n: number) => void | Promise<void>;
  /** Progress: called after each run. */
  readonly onRun?: (c: LoadedCase, n: number, run: RunResult) => void;
}

export interface RunResult {
  readonly passed: boolean;
  readonly state: string;
  readonly stoppedAt: string;
  readonly runbook: string | null;
  readonly planner: string | null;
  readonly elements: Element[];
  readonly steps: number;
  readonly decisions: number;
  readonly unrecorded: CaseRun['unrecorded'];
  readonly calls: Array<{ stepId: string; tool: string; what: string; status: string }>;
  readonly waits: CaseRun['waits'];
  readonly person: CaseRun['person'];
  /** The plan as it ended: each step's id, tool, phase, what it runs, and its input. */
  readonly plan: Array<{ id: string; tool: string; phase: string; what: string; input: unknown }>;
  readonly summary: CaseRun['summary'];
  readonly ms: number;
}

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly tags: string[];
  readonly level: string;
  readonly runs: RunResult[];
  readonly passedRuns: number;
  readonly passRate: number;
}

export interface Tally {
  readonly cases: number;
  readonly runs: number;
  readonly passedRuns: number;
  /** Passed runs / runs. */
  readonly passRate: number;
}

export interface EvalReport {
  readonly command: string;
  readonly planner: { readonly plans: string; readonly decides: string };
  readonly model: { readonly url: string; readonly model: string } | null;
  readonly repeat: number;
  readonly retrieval: string;
  readonly corpus: string | null;
  readonly casesDir: string;
  readonly at: string;
  readonly node: string;
  readonly ms: number;
  readonly overall: Tally & { readonly elements: { readonly passed: number; readonly total: number } };
  readonly levels: Record<string, Tally>;
  readonly tags: Record<string, Tally>;
  /** Pass rate of each kind of element over every run. */
  readonly elements: Record<string, { readonly passed: number; readonly total: number; readonly passRate: number }>;
  readonly unrecordedCalls: number;
  /** Cases that could not run here (the corpus they copy from is absent). */
  readonly skipped: Array<{ readonly id: string; readonly why: string }>;
  readonly cases: CaseResult[];
}

export async function runEval(o: EvalOptions): Promise<EvalReport> {
  const t0 = performance.now();
  const repeat = Math.max(1, Math.floor(o.repeat));
  let cases = loadCases(o.dir, { corpus: o.corpus });
  if (o.only?.length) {
    const unknown = o.only.filter((id) => !cases.some((c) => c.id === id));
    if (unknown.length > 0) throw new Error(`no case named ${unknown.join(', ')} in ${o.dir}`);
    cases = cases.filter((c) => o.only!.includes(c.id));
  }
  if (o.tags?.length) cases = cases.filter((c) => c.spec.tags.some((t) => o.tags!.includes(t)));
  const skipped = o.corpus === null ? cases.filter((c) => c.corpusRunbooks.length > 0).map((c) => ({ id: c.id, why: 'copies runbooks from the public corpus, which is absent' })) : [];
  cases = cases.filter((c) => !skipped.some((s) => s.id === c.id));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-agent-eval-'));
  let retrieval = new EvalRetrieval(o.modelDir);
  let retrievalNote = o.modelDir === null ? `none (${o.noRetrievalReason ?? 'no embedding model'})` : `hybrid (${path.basename(o.modelDir)})`;
  const results: CaseResult[] = [];
  try {
    // A model that cannot load leaves retrieval out rather than failing every case.
    const problem = await retrieval.open();
    if (problem !== null) {
      retrievalNote = `none (the embedding model did not load: ${problem.slice(0, 200)})`;
      retrieval = new EvalRetrieval(null);
    }
    for (const c of cases) {
      const runs: RunResult[] = [];
      for (let n = 0; n < repeat; n++) {
        await o.beforeRun?.(c, n);
        const run = await runCase(c, { corpus: o.corpus, repoRoot: o.repoRoot, tmp, model: o.model, retrieval, planTimeoutMs: o.planTimeoutMs, stubUnrecorded: o.stubUnrecorded }, n);
        const elements = scoreRun(c.spec, run);
        const result: RunResult = {
          passed: elements.length > 0 && elements.every((e) => e.passed),
          state: run.state,
          stoppedAt: run.stoppedAt,
          runbook: run.runbook,
          planner: run.planner,
          elements,
          steps: run.usage.steps,
          decisions: run.decisions.length,
          unrecorded: run.unrecorded,
          calls: run.calls.map((x) => ({ stepId: x.stepId, tool: x.tool, what: x.what, status: x.status })),
          waits: run.waits,
          person: run.person,
          plan: (run.plan?.steps ?? []).map((s) => ({ id: s.id, tool: s.tool, phase: s.phase ?? 'diagnose', what: stepText(s.input), input: s.input })),
          summary: run.summary,
          ms: run.ms,
        };
        runs.push(result);
        o.onRun?.(c, n, result);
      }
      const passedRuns = runs.filter((r) => r.passed).length;
      results.push({ id: c.id, title: c.spec.title, tags: c.spec.tags, level: c.level, runs, passedRuns, passRate: passedRuns / runs.length });
    }
  } finally {
    await retrieval.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const choice = choosePlanner({ workspace: tmp, tools: [], search: async () => [] }, o.model);
  const tally = (list: readonly CaseResult[]): Tally => {
    const runs = list.reduce((n, c) => n + c.runs.length, 0);
    const passedRuns = list.reduce((n, c) => n + c.passedRuns, 0);
    return { cases: list.length, runs, passedRuns, passRate: runs === 0 ? 0 : round(passedRuns / runs) };
  };
  const tags: Record<string, Tally> = {};
  for (const tag of [...new Set(results.flatMap((c) => c.tags))].sort()) tags[tag] = tally(results.filter((c) => c.tags.includes(tag)));
  const levels: Record<string, Tally> = {};
  for (const level of LEVELS) levels[level] = tally(results.filter((c) => c.level === level));
  levels[RED_HERRING] = tally(results.filter((c) => c.tags.includes(RED_HERRING)));
  const allElements = results.flatMap((c) => c.runs.flatMap((r) => r.elements));
  const elements: EvalReport['elements'] = {};
  for (const kind of [...new Set(allElements.map((e) => e.kind))].sort() as ElementKind[]) {
    const of = allElements.filter((e) => e.kind === kind);
    const passed = of.filter((e) => e.passed).length;
    elements[kind] = { passed, total: of.length, passRate: round(passed / of.length) };
  }
  return {
    command: o.command ?? `runbook-agent eval ${o.dir}`,
    planner: { plans: choice.plans, decides: choice.decides },
    model: o.model ? { url: o.model.url, model: o.model.model } : null,
    repeat,
    retrieval: retrievalNote,
    corpus: o.corpus,
    casesDir: o.dir,
    at: new Date().toISOString(),
    node: process.version,
    ms: Math.round(performance.now() - t0),
    overall: { ...tally(results), elements: { passed: allElements.filter((e) => e.passed).length, total: allElements.length } },
    levels,
    tags,
    elements,
    unrecordedCalls: results.reduce((n, c) => n + c.runs.reduce((m, r) => m + r.unrecorded.length, 0), 0),
    skipped,
    cases: results,
  };
}

function stepText(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return (text ?? JSON.stringify(input ?? null)).slice(0, 500);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
