// The evaluation harness end to end: the whole suite with the runbook planner (the no-model baseline) through the
// real CLI, and a subset with a model through the scripted OpenAI-compatible server (test/support/scriptedLlm.ts):
// the model plans (it replays the baseline's plans, citing the runbook section the prompt shows), decides (it skips
// the demo's flag mitigation citing the grep), and, in one run, proposes a write the case forbids and runs a command
// nobody recorded. Every tool output comes from the cases' recordings; nothing runs.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval, type EvalReport, type RunResult } from '../../engine/entry/eval';
import { findModel } from '../../engine/memory/model/locate';
import { packageRoot } from '../../engine/shared/paths';
import { DECISION, decision, PLAN, ScriptedLlm, skipCiting, type Behaviour, type Received, type ScriptedStep } from '../support/scriptedLlm';

const run = promisify(execFile);
const CASES = path.join('eval', 'cases');
const corpusDir = path.resolve('..', 'shared', 'corpus');
const corpus = fs.existsSync(path.join(corpusDir, 'runbooks')) ? corpusDir : null;
const modelDir = findModel(packageRoot()).model?.path ?? null;
/** Cases for the model: the demo's flows (approval and verification, a skip on evidence) and corpus cases of each kind. */
const SUBSET = [
  'demo-high-error-rate-flag-on',
  'demo-high-error-rate-flag-off',
  'demo-log-volume-filling-up',
  ...(corpus ? ['kube-pod-crashlooping-oomkilled', 'etcd-database-quota-low-space-defrag', 'prometheus-list-watch-failures-rbac'] : []),
];

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-it-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const userPrompt = (r: Received) => r.body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
const element = (r: RunResult, kind: string) => r.elements.filter((e) => e.kind === kind);

describe('runbook-agent eval: the runbook planner over the whole suite', () => {
  let report: EvalReport;

  beforeAll(async () => {
    const out = path.join(tmp, 'baseline.json');
    // Without retrieval to keep CI fast (the runbook planner chooses by runbook_url, front matter or file name; the
    // bench runs with it and gets the same scores).
    const { stdout } = await run(process.execPath, ['bin/runbook-agent.js', 'eval', CASES, '--json', '--no-retrieval', '--out', out], { maxBuffer: 256 * 1024 * 1024, timeout: 150_000 });
    report = JSON.parse(stdout) as EvalReport;
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(report);
  }, 160_000);

  it('runs every case once and reports them per case, per tag and overall, with what produced the report', () => {
    expect(report.cases.length + report.skipped.length).toBeGreaterThanOrEqual(40);
    if (corpus) expect(report.skipped).toEqual([]);
    expect(report.planner).toEqual({ plans: 'runbook', decides: 'runbook' });
    expect(report.model).toBeNull();
    expect(report.command).toContain('runbook-agent eval eval/cases');
    expect(report.overall.runs).toBe(report.cases.length);
    for (const level of ['easy', 'medium', 'hard', 'red-herring']) expect(report.levels[level]!.runs).toBeGreaterThan(0);
    const tagged = report.cases.filter((c) => c.tags.includes('demo')).length;
    expect(report.tags.demo).toMatchObject({ cases: tagged, runs: tagged });
    expect(report.overall.passRate).toBe(Math.round((report.overall.passedRuns / report.overall.runs) * 1000) / 1000);
  });

  it('has a recording for every call the baseline makes, and no run fails in the harness', () => {
    expect(report.unrecordedCalls).toBe(0);
    for (const c of report.cases) {
      expect(element(c.runs[0]!, 'harness'), c.id).toEqual([]);
      expect(c.runs[0]!.unrecorded, c.id).toEqual([]);
    }
  });

  it('scores the demo flows as the engine runs them: an approved fix verified, a skip citing the grep, no write proposed when the flag is off', () => {
    const byId = new Map(report.cases.map((c) => [c.id, c.runs[0]!]));
    const on = byId.get('demo-high-error-rate-flag-on')!;
    expect(on.person.map((p) => p.action)).toContain('approve');
    expect(on.state).toBe('COMPLETED');
    expect(element(on, 'mitigation').every((e) => e.passed)).toBe(true);
    const off = byId.get('demo-high-error-rate-flag-off')!;
    expect(element(off, 'skip')[0]).toMatchObject({ passed: true });
    expect(off.waits.filter((w) => w.kind === 'approval')).toEqual([]);
    const logs = byId.get('demo-log-volume-filling-up')!;
    expect(logs.person.map((p) => p.action)).toEqual(['approve', 'answer', 'approve']);
    expect(logs.passed).toBe(true);
  });
});

/** The plan a model would answer for this case: the baseline's own steps (no built-ins, no checklist), citing the runbook's section. */
function modelPlanFrom(baseline: RunResult, prompt: string): Behaviour {
  const sources = [...prompt.matchAll(/^### (S\d+): ([^\n:]+):\d+-\d+/gm)].map((m) => ({ id: m[1]!, path: m[2]! }));
  const source = sources.find((s) => s.path === baseline.runbook)?.id ?? null;
  const steps: ScriptedStep[] = baseline.plan
    .filter((s) => !s.id.startsWith('builtin-') && s.tool !== 'checklist')
    .slice(0, 12)
    .map((s) => ({
      id: s.id,
      tool: s.tool,
      input: s.input as Record<string, unknown>,
      risk: s.phase === 'mitigate' ? 'write' : 'read',
      phase: s.phase as ScriptedStep['phase'],
      rationale: `${s.id}: the runbook says so`,
      sourceId: s.tool === 'ask_person' || s.id === 'verify-alert-expression' ? null : source,
    }));
  return { kind: 'plan', plan: { summary: `Follow ${baseline.runbook}.`, steps } };
}

describe('runbook-agent eval: a model through the scripted server', () => {
  let server: ScriptedLlm;
  const planFor = new Map<string, RunResult>();
  /** The case (and run) being evaluated: cases run one after the other, so the model answers for this one. */
  let current = { id: '', n: 0 };
  let planOverride: ((b: RunResult, prompt: string, n: number) => Behaviour) | null = null;

  beforeAll(async () => {
    const baseline = await runEval({ dir: CASES, corpus, repoRoot: packageRoot(), model: null, repeat: 1, modelDir, only: SUBSET });
    for (const c of baseline.cases) planFor.set(c.id, c.runs[0]!);
    server = await ScriptedLlm.start();
    server.always(PLAN, {
      kind: 'reply',
      reply: (r) => {
        const b = planFor.get(current.id);
        if (!b) return { kind: 'status', status: 500, message: `scripted model: no plan for ${current.id}` };
        return (planOverride ?? modelPlanFrom)(b, userPrompt(r), current.n);
      },
    });
    // The model skips the demo's flag mitigation citing the grep of the flag (after the diagnostics); otherwise it changes nothing.
    server.always(DECISION, {
      kind: 'reply',
      reply: (r) => {
        if (current.id !== 'demo-high-error-rate-flag-off' || !userPrompt(r).includes('new_pricing=off')) return decision();
        try {
          return (skipCiting('mitigation-1', 'diagnosis-2', 'new_pricing is already off') as Extract<Behaviour, { kind: 'reply' }>).reply(r, server);
        } catch {
          return decision();
        }
      },
    });
  }, 120_000);
  afterAll(() => server?.close());

  const withModel = (only: string[], repeat = 1) =>
    runEval({
      dir: CASES,
      corpus,
      repoRoot: packageRoot(),
      model: { url: server.baseUrl, model: 'scripted-7b' },
      repeat,
      modelDir,
      only,
      beforeRun: (c, n) => {
        current = { id: c.id, n };
      },
    });

  it('plans every case with the model and decides with it, scoring like any planner', async () => {
    planOverride = null;
    const report = await withModel(SUBSET);
    expect(report.planner).toEqual({ plans: 'llm:scripted-7b', decides: 'llm:scripted-7b' });
    expect(report.model).toEqual({ url: server.baseUrl, model: 'scripted-7b' });
    expect(report.unrecordedCalls).toBe(0);
    for (const c of report.cases) {
      const r = c.runs[0]!;
      expect(r.planner, c.id).toBe('llm:scripted-7b');
      // The model cited the runbook section retrieval showed it, so its plan comes from the expected runbook.
      expect(element(r, 'runbook').every((e) => e.passed), `${c.id}: ${JSON.stringify(element(r, 'runbook'))}`).toBe(true);
      // It ran what the baseline ran from the runbook.
      expect(element(r, 'diagnostic').every((e) => e.passed), `${c.id}: ${JSON.stringify(element(r, 'diagnostic'))}`).toBe(true);
    }
    const off = report.cases.find((c) => c.id === 'demo-high-error-rate-flag-off')!.runs[0]!;
    // The model's plan carries no runbook condition: the skip is the model's decision, citing the grep.
    expect(element(off, 'skip')[0]).toMatchObject({ passed: true });
    expect(off.waits.filter((w) => w.kind === 'approval')).toEqual([]);
    expect(server.requestsFor(DECISION).length).toBeGreaterThan(0);
    // A model's plan carries no verification checks (the plan schema leaves them to the engine), so after the approved
    // fix the workflow waits for the alert to resolve instead of completing on the runbook's check.
    const on = report.cases.find((c) => c.id === 'demo-high-error-rate-flag-on')!.runs[0]!;
    expect(on.person.map((p) => p.action)).toEqual(['approve']);
    expect(element(on, 'mitigation').every((e) => e.passed)).toBe(true);
    expect(on.state).toBe('VALIDATING');
    expect(element(on, 'state')[0]).toMatchObject({ passed: false });
  }, 120_000);

  it('fails a write the case forbids, and refuses and counts a command nobody recorded', async () => {
    // Run 1: the model proposes forcing the flag off. Run 2: it reads a log nobody recorded first.
    planOverride = (b, prompt, n) => {
      const plan = (modelPlanFrom(b, prompt) as { plan: { summary: string; steps: ScriptedStep[] } }).plan;
      const steps = plan.steps.filter((s) => s.id !== 'mitigation-1');
      if (n === 0) steps.splice(steps.findIndex((s) => s.phase !== 'diagnose'), 0, { id: 'force-flag', tool: 'shell', input: { command: "sed -i 's/^new_pricing=.*/new_pricing=off/' config/features.env" }, risk: 'write', phase: 'mitigate', rationale: 'be sure', sourceId: null });
      else steps.splice(1, 0, { id: 'peek', tool: 'shell', input: { command: 'tail -n 100 logs/app.log' }, risk: 'read', phase: 'diagnose', rationale: 'more of the log', sourceId: null });
      return { kind: 'plan', plan: { ...plan, steps } };
    };
    const report = await withModel(['demo-high-error-rate-flag-off'], 2);
    const [first, second] = report.cases[0]!.runs;
    expect(report.repeat).toBe(2);
    expect(report.cases[0]!.passRate).toBe(0);
    expect(first!.waits.map((w) => [w.kind, w.stepId])).toEqual([['approval', 'force-flag']]);
    expect(element(first!, 'forbidden-command')[0]).toMatchObject({ passed: false, detail: 'step force-flag proposed it for approval' });
    expect(first!.unrecorded).toEqual([]);
    // A refused call is permanent: the workflow escalates there.
    expect(second!.unrecorded).toEqual([{ tool: 'shell', input: 'tail -n 100 logs/app.log' }]);
    expect(second!.state).toBe('ESCALATED');
    expect(second!.stoppedAt).toContain('no recording for shell input "tail -n 100 logs/app.log"');
    expect(report.unrecordedCalls).toBe(1);
  }, 120_000);
});
