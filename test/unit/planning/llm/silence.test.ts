// Alertmanager write-back in a model's plan (issue #15): the engine offers the same silence step the runbook
// planner does (one placeSilence), before the first mitigation write, as a write that waits for a person. The
// model is never shown the silence tool, and a silence it asks for anyway (in its plan or in a decision) is dropped.
import { afterEach, describe, expect, it } from 'vitest';
import { placeSilence, SILENCE_STEP_ID } from '../../../../engine/planning/runbook/silence';
import { SilenceInput } from '../../../../engine/execution/tools/alertmanager';
import { TOOL } from '../../../../engine/execution/tools/names';
import { approve, reject } from '../../../../engine/control/workflow/person';
import type { Plan, PlanStepInput } from '../../../../engine/control/workflow/plan';
import type { AnyTool } from '../../../../engine/control/workflow/tool';
import { DECISION, PLAN, ScriptedLlm, decision, goodPlan, step, type Behaviour, type ScriptedStep } from '../../../support/scriptedLlm';
import { assertConsistent, eventData, fixture, stateOf } from '../../workflow/fixtures';
import { diagnoseOnlyPlan, fullPlan, planner, shellTool, workspace, writesNeedApproval } from './decideSetup';
import { ALERT, askTool } from './setup';

let server: ScriptedLlm | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Stands in for the Alertmanager tool (tested against a real Alertmanager elsewhere): same name, schema and risk. */
function silenceTool(): AnyTool & { calls: SilenceInput[] } {
  const calls: SilenceInput[] = [];
  return {
    name: TOOL.alertmanagerSilence,
    risk: 'write',
    toolClass: 'network',
    idempotent: true,
    input: SilenceInput,
    assess: () => ({ risk: 'write', reasons: ['creates a silence in Alertmanager'] }),
    calls,
    async run(input: SilenceInput) {
      calls.push(input);
      return { output: { silenceId: `s-${calls.length}`, text: `Silence s-${calls.length} created` } };
    },
  };
}

async function run(plan: Behaviour, options: { decisions?: Behaviour[]; allowModelWrites?: boolean } = {}) {
  server = await ScriptedLlm.start();
  server.scriptFor(PLAN, plan).scriptFor(DECISION, ...(options.decisions ?? [])).always(DECISION, decision());
  const shell = shellTool();
  const silence = silenceTool();
  const tools = [shell, askTool(), silence];
  const ctx = { ...workspace(tools), allowModelWrites: options.allowModelWrites ?? false };
  const f = fixture(tools, planner(server, ctx), { planTimeoutMs: 10_000, policy: writesNeedApproval });
  const { source, title, labels, annotations } = ALERT;
  const id = f.start(labels, { source, title, annotations });
  await f.orchestrator.drain();
  const plans = () => eventData(f.db, id, 'planned').map((d) => d.plan as Plan);
  return { f, id, shell, silence, tools, ctx, plans, view: () => stateOf(f.db, id), server };
}

const ids = (plan: Plan | undefined) => plan?.steps.map((s) => s.id);
/** The model's steps as the engine plan carries them (toEnginePlan), to place the silence on the runbook planner's way. */
const asEngineSteps = (steps: ScriptedStep[]): PlanStepInput[] => steps.map(({ sourceId: _, ...s }) => s);

describe("a model's plan gets the engine's Alertmanager silence", () => {
  it('before the first mitigation write, the same step placeSilence makes for the runbook planner, waiting for approval', async () => {
    const r = await run(fullPlan());
    const [plan] = r.plans();
    expect(ids(plan)).toEqual(['check-disk', SILENCE_STEP_ID, 'rotate-logs', 'verify-disk']);
    const request = r.view().request;
    const model = (fullPlan() as { plan: { steps: ScriptedStep[] } }).plan.steps;
    const expected = placeSilence(asEngineSteps(model), { workflowId: r.id, request, rejected: [] }, new Set(r.tools.map((t) => t.name))).find((s) => s.id === SILENCE_STEP_ID)!;
    expect(plan!.steps[1]).toEqual({ approval: false, ...expected });
    expect(plan!.steps[1]).toMatchObject({ tool: TOOL.alertmanagerSilence, risk: 'write', phase: 'mitigate', origin: 'planner' });
    expect((plan!.steps[1]!.input as SilenceInput).matchers).toEqual([
      { name: 'alertname', value: 'DiskAlmostFull' },
      { name: 'instance', value: 'db-1' },
    ]);
    // A write like any other: the diagnosis ran, the silence waits for a person, nothing was silenced yet.
    expect(r.shell.calls).toEqual(['df -h /var/lib/data']);
    expect(r.view()).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: SILENCE_STEP_ID, risk: 'write' } });
    expect(r.silence.calls).toEqual([]);

    approve(r.f.db, r.id, 'ana', r.f.clock, { stepId: SILENCE_STEP_ID });
    await r.f.orchestrator.drain();
    expect(r.silence.calls).toHaveLength(1);
    expect(r.silence.calls[0]!.comment).toContain(`runbook-agent: workflow ${r.id}`);
    // The mitigation still waits for its own approval.
    expect(r.view()).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' } });

    // The model is never offered the tool: not in the plan prompt, not in the decision prompt.
    const planPrompt = r.server.requestsFor(PLAN)[0]!.body.messages.map((m) => m.content).join('\n');
    expect(planPrompt).toContain('### shell (risk: write)');
    expect(planPrompt).not.toContain(TOOL.alertmanagerSilence);
    const decidePrompt = r.server.requestsFor(DECISION)[0]!.body.messages.map((m) => m.content).join('\n');
    expect(decidePrompt).toContain('### shell (risk: write)');
    expect(decidePrompt).not.toContain(`### ${TOOL.alertmanagerSilence}`);
    assertConsistent(r.f.db);
  });

  it('never the silence the model asks for: its own is dropped and noted, and a step that took the id is renamed', async () => {
    const theirs = step('quiet-all', TOOL.alertmanagerSilence, { matchers: [{ name: 'alertname', value: 'DiskAlmostFull' }], durationMinutes: 1440, comment: 'quiet please' }, { risk: 'write', phase: 'mitigate' });
    const squatter = step(SILENCE_STEP_ID, 'shell', { command: 'df -i /var/lib/data' });
    const r = await run(
      goodPlan([step('check-disk', 'shell', { command: 'df -h /var/lib/data' }), squatter, theirs, step('rotate-logs', 'shell', { command: 'logrotate -f /etc/logrotate.d/data' }, { risk: 'write', phase: 'mitigate' })]),
    );
    const [plan] = r.plans();
    expect(ids(plan)).toEqual(['check-disk', `${SILENCE_STEP_ID}-model`, SILENCE_STEP_ID, 'rotate-logs']);
    expect(plan!.steps[1]).toMatchObject({ tool: 'shell', input: { command: 'df -i /var/lib/data' } });
    // The engine's silence, with its own matchers, duration and comment, not the model's.
    expect(plan!.steps[2]).toMatchObject({ tool: TOOL.alertmanagerSilence, input: { durationMinutes: 60, matchers: [{ name: 'alertname', value: 'DiskAlmostFull' }, { name: 'instance', value: 'db-1' }] } });
    expect(plan!.summary).toContain('Note: the model proposed an Alertmanager silence (step quiet-all); dropped: the engine offers the silence itself');
    expect(r.view()).toMatchObject({ waiting: { kind: 'approval', stepId: SILENCE_STEP_ID } });
    expect(r.silence.calls).toEqual([]);
    assertConsistent(r.f.db);
  });

  it('for a mitigation the model calls a read that the engine assesses as a write; the plan keeps the model’s claim', async () => {
    const r = await run(goodPlan([step('check-disk', 'shell', { command: 'df -h /var/lib/data' }), step('clean', 'shell', { command: 'rm -rf /var/lib/data/old' }, { risk: 'read', phase: 'mitigate' })]));
    const [plan] = r.plans();
    expect(ids(plan)).toEqual(['check-disk', SILENCE_STEP_ID, 'clean']);
    expect(plan!.steps[2]).toMatchObject({ id: 'clean', risk: 'read' });
    expect(r.view()).toMatchObject({ waiting: { kind: 'approval', stepId: SILENCE_STEP_ID } });
  });

  it('not for a plan without a mitigation write', async () => {
    const r = await run(diagnoseOnlyPlan());
    expect(ids(r.plans()[0])).toEqual(['check-disk', 'verify-disk']);
    expect(r.view().state).toBe('COMPLETED');
    expect(r.silence.calls).toEqual([]);
  });

  it('a person who rejects it keeps notifications on: the mitigation goes on, and a re-plan does not offer it again', async () => {
    const r = await run(fullPlan());
    reject(r.f.db, r.id, 'ana', 'keep paging me', r.f.clock, { stepId: SILENCE_STEP_ID });
    await r.f.orchestrator.drain();
    expect(r.view()).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'approval', stepId: 'rotate-logs' }, skipped: { [SILENCE_STEP_ID]: expect.anything() } });
    expect(r.silence.calls).toEqual([]);
    assertConsistent(r.f.db);

    // A later plan of the same workflow (a re-plan after a failure carries what a person rejected).
    r.server.scriptFor(PLAN, fullPlan());
    const again = await planner(r.server, r.ctx).plan(
      { workflowId: r.id, request: r.view().request, replans: 1, feedback: 'the previous plan failed', rejected: [{ stepId: SILENCE_STEP_ID, reason: 'keep paging me' }] },
      AbortSignal.timeout(10_000),
    );
    expect(ids(again.plan as Plan)).toEqual(['check-disk', 'rotate-logs', 'verify-disk']);
  });

  it("a decision that adds a silence is refused, even when the user's policy allows model writes", async () => {
    const add = { id: 'quiet', tool: TOOL.alertmanagerSilence, input: { matchers: [{ name: 'alertname', value: 'DiskAlmostFull' }], comment: 'quiet' }, rationale: 'stop the pages', runbookStep: null };
    const r = await run(diagnoseOnlyPlan(), { decisions: [decision({ add: [add] })], allowModelWrites: true });
    const [decided] = eventData(r.f.db, r.id, 'decided');
    expect(decided!.add).toEqual([]);
    expect(decided!.notes).toContainEqual(expect.stringContaining("add quiet dropped: an Alertmanager silence is the engine's to offer, never a model's"));
    expect(r.view().state).toBe('COMPLETED');
    expect(r.silence.calls).toEqual([]);
  });
});
