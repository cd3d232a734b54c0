// The decision core with plain data: no database, no clock, no orchestrator. A tiny in-memory world applies the
// core's outcomes with the real reducer, keeps tool-call records in a Map, and performs effects with plain tools.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET } from '../../../engine/control/workflow/budget';
import { seededRandom } from '../../../engine/control/workflow/clock';
import { act, callFailed, callFinished, callStarted, checkPlan, decided, interruptedCall, planned, type Action, type CoreConfig, type Facts, type Outcome, type PolicyDecision } from '../../../engine/control/workflow/core';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import type { PlanStep } from '../../../engine/control/workflow/plan';
import { AlertRequest } from '../../../engine/control/workflow/request';
import { applyEvent, type StoredEvent } from '../../../engine/control/workflow/reducer';
import { DEFAULT_RETRY_POLICIES } from '../../../engine/control/workflow/retry';
import { ToolRegistry } from '../../../engine/control/workflow/tool';
import type { ToolCallRow } from '../../../engine/control/store/sqlite/toolCalls';
import type { WorkflowView } from '../../../engine/control/workflow/view';
import { checklistTool } from '../../../engine/execution/tools/checklist';
import { TOOL } from '../../../engine/execution/tools/names';
import { askTool } from '../planning/llm/setup';
import { scriptedTool } from './fixtures';

const cfg: CoreConfig = { plannerProvider: 'runbook', plannerName: 'runbook', decides: false, maxReplans: 2, resolveWaitMs: 60_000, retry: DEFAULT_RETRY_POLICIES };
const allow: PolicyDecision = { action: 'allow', reason: 'read', by: 'test' };

const check = scriptedTool('check');
const restart = scriptedTool('restart', { risk: 'write' });
const tools = new ToolRegistry([check, restart, askTool(), checklistTool()]);

/** A world as plain data: the view, the records, what the gate and the switches say. */
function world(request: Partial<AlertRequest> = {}, facts: Partial<Omit<Facts, 'tools'>> = {}) {
  let now = 1_000;
  let view = applyEvent(null, event('wf-1', 'created', 'RECEIVED', { request: AlertRequest.parse({ source: 'test', title: 'disk full', ...request }), intakeKey: null, budget: DEFAULT_BUDGET }, now));
  const records = new Map<string, ToolCallRow & { input?: unknown }>();
  const f = (): Facts => ({
    now,
    random: seededRandom(1),
    tools,
    toolCall: (key) => records.get(key) ?? null,
    policy: (call) => (call.risk === 'write' ? { action: 'approve', reason: 'writes wait', by: 'tier' } : allow),
    untrusted: () => null,
    killSwitch: () => null,
    ...facts,
  });
  return {
    get view() {
      return view;
    },
    facts: f,
    records,
    advance: (ms: number) => (now += ms),
    /** What the runtime does with an outcome: the reducer applies its events, the records land beside them. */
    apply(outcome: Outcome): Outcome {
      for (const e of outcome.events) view = applyEvent(view, event(view.id, e.type, e.to ?? null, e.data ?? {}, now));
      for (const w of outcome.writes ?? []) {
        if (w.kind === 'intended') records.set(w.key, { key: w.key, status: 'intended', attempts: (records.get(w.key)?.attempts ?? 0) + 1, result: null });
        if (w.kind === 'finished') records.set(w.key, { ...records.get(w.key)!, status: w.status, result: w.result ?? null });
      }
      return outcome;
    },
    act(c: CoreConfig = cfg): Action {
      return act(view, f(), c);
    },
    plan(steps: PlanStep[]) {
      const a = act(view, f(), cfg);
      expect(a).toMatchObject({ effect: { kind: 'plan', breaker: 'model:runbook' } });
      this.apply(planned(view, f(), cfg, { plan: { summary: 'test', steps } }));
      this.apply(outcomeOf(act(view, f(), cfg))); // PLANNED -> EXECUTING
    },
  };
}

function event(workflowId: string, type: string, to: string | null, data: Record<string, unknown>, at: number): StoredEvent {
  return { workflowId, type: type as StoredEvent['type'], to: to as StoredEvent['to'], at, data };
}

function outcomeOf(a: Action): Outcome {
  if (!('outcome' in a)) throw new Error(`expected an outcome, got the effect ${a.effect.kind}`);
  return a.outcome;
}

const types = (o: Outcome) => o.events.map((e) => `${e.type}${e.to ? `->${e.to}` : ''}`);
const step = (id: string, tool: string, extra: Partial<PlanStep> = {}): PlanStep => ({ id, tool, input: { target: id }, ...extra }) as PlanStep;

describe('the decision core, driven with plain data', () => {
  it('a read runs as an effect: started (intended record), finished (done record), then validation completes', () => {
    const w = world();
    w.plan([step('df', 'check')]);
    const a = w.act();
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    expect(a.effect).toMatchObject({ breaker: 'tool:check', risk: 'read', input: { target: 'df' } });
    expect(types(w.apply(callStarted(a.effect, false)))).toEqual(['step_started->WAITING_FOR_TOOL']);
    expect(w.records.get(a.effect.key)?.status).toBe('intended');
    w.apply(callFinished(w.view, a.effect, { output: { use: '97%' } }));
    expect(w.records.get(a.effect.key)).toMatchObject({ status: 'done', result: { use: '97%' } });
    expect(types(w.apply(outcomeOf(w.act())))).toEqual(['validating->VALIDATING']);
    expect(types(w.apply(outcomeOf(w.act())))).toEqual(['completed->COMPLETED']);
    expect(w.view.state).toBe('COMPLETED');
  });

  it('a done record is replayed, never run again (same workflow, step and input)', () => {
    const w = world();
    w.plan([step('df', 'check')]);
    const a = w.act();
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    w.records.set(a.effect.key, { key: a.effect.key, status: 'done', attempts: 1, result: { earlier: true } });
    const o = outcomeOf(w.act());
    expect(o.events[0]).toMatchObject({ type: 'step_done', data: { replayed: true } });
  });

  it('a write waits for approval with the exact input hash; once approved for that hash it becomes a call', () => {
    const w = world();
    w.plan([step('restart', 'restart')]);
    const o = w.apply(outcomeOf(w.act()));
    expect(o.next).toEqual({ kind: 'settled' });
    expect(w.view.waiting).toMatchObject({ kind: 'approval', tool: 'restart', risk: 'write', policy: 'writes wait', describe: '{"target":"restart"}' });
    const inputHash = (w.view.waiting as { inputHash: string }).inputHash;
    w.apply({ events: [{ type: 'approved', to: 'EXECUTING', actor: 'person', data: { stepIndex: 0, planVersion: w.view.planVersion, inputHash, by: 'ana' } }], next: { kind: 'continue' } });
    expect(w.act()).toMatchObject({ effect: { kind: 'call', risk: 'write', policy: { action: 'approve' } } });
  });

  it('the gate, trust and the kill switches are facts: deny escalates, no trust waits, a switch waits', () => {
    const deny = world({}, { policy: () => ({ action: 'deny', reason: 'never on prod', by: 'workspace rule 1' }) });
    deny.plan([step('df', 'check')]);
    expect(outcomeOf(deny.act()).events[0]).toMatchObject({ type: 'escalated', data: { class: 'policy', reason: 'policy violation at step df (check): never on prod' } });

    const untrusted = world({}, { untrusted: () => 'the folder is not trusted' });
    untrusted.plan([step('df', 'check')]);
    untrusted.apply(outcomeOf(untrusted.act()));
    expect(untrusted.view.waiting).toMatchObject({ kind: 'trust', message: 'the folder is not trusted' });

    const killed = world({}, { killSwitch: () => 'shell' });
    killed.plan([step('df', 'check')]);
    killed.apply(outcomeOf(killed.act()));
    expect(killed.view).toMatchObject({ state: 'WAITING_FOR_PERSON', waiting: { kind: 'kill_switch', switch: 'shell' } });
  });

  it('a question waits for its answer, and the answer is the step result', () => {
    const w = world();
    w.plan([{ id: 'threshold', tool: TOOL.ask, input: { name: 'limit', question: 'What limit?' } } as PlanStep]);
    w.apply(outcomeOf(w.act()));
    expect(w.view.waiting).toMatchObject({ kind: 'question', name: 'limit', question: 'What limit?' });
    w.apply({ events: [{ type: 'answered', to: 'EXECUTING', actor: 'person', data: { name: 'limit', value: '90', by: 'ana' } }], next: { kind: 'continue' } });
    const done = w.apply(outcomeOf(w.act()));
    expect(done.events[0]).toMatchObject({ type: 'step_done', actor: 'person' });
    expect([...w.records.values()][0]).toMatchObject({ status: 'done', result: { name: 'limit', answer: '90' } });
  });

  it('a write that timed out is never run again: outcome unknown, a person resolves it; a read is retried', () => {
    const w = world({}, { policy: () => allow });
    w.plan([step('restart', 'restart')]);
    const a = w.act();
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    w.apply(callStarted(a.effect, false));
    const o = w.apply(callFailed(w.view, w.facts(), cfg, a.effect, 'tool_timeout', new ClassifiedError('tool_timeout', 'tool restart timed out')));
    expect(o.events[0]).toMatchObject({ type: 'escalated', data: { class: 'outcome_unknown' } });
    expect(w.records.get(a.effect.key)?.status).toBe('unknown');

    const r = world();
    r.plan([step('df', 'check')]);
    const b = r.act();
    if (!('effect' in b) || b.effect.kind !== 'call') throw new Error('expected a call');
    r.apply(callStarted(b.effect, false));
    const retry = r.apply(callFailed(r.view, r.facts(), cfg, b.effect, 'transient', new ClassifiedError('transient', 'connection reset')));
    expect(retry.events[0]).toMatchObject({ type: 'step_failed', to: 'EXECUTING', data: { class: 'transient' } });
    expect(retry.next).toMatchObject({ kind: 'later' });
  });

  it('after a crash mid-call: a read runs again, a write that may have run escalates', () => {
    for (const [tool, expected] of [
      ['check', 'step_rerun->EXECUTING'],
      ['restart', 'escalated->ESCALATED'],
    ] as const) {
      const w = world({}, { policy: () => allow });
      w.plan([step('s', tool)]);
      const a = w.act();
      if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
      w.apply(callStarted(a.effect, false));
      expect(types(interruptedCall(w.view, w.facts()))).toEqual([expected]);
    }
  });

  it('an invalid plan is refused with the reason and planned again; the bound escalates', () => {
    expect(checkPlan({ summary: 's', steps: [step('x', 'format_disk')] }, tools)).toMatch(/unknown tool format_disk/);
    const w = world();
    const o = w.apply(planned(w.view, w.facts(), cfg, { plan: { summary: 's', steps: [step('x', 'format_disk')] } }));
    expect(o.events[0]).toMatchObject({ type: 'plan_failed', data: { class: 'validation', replan: true } });
  });

  it('every write declined and none ran: not complete, whatever planner made the plan', () => {
    const w = world();
    w.plan([step('df', 'check'), step('restart', 'restart')]);
    const a = w.act();
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    w.apply(callStarted(a.effect, false));
    w.apply(callFinished(w.view, a.effect, { output: 'ok' }));
    w.apply(outcomeOf(w.act())); // waits for approval
    w.apply({ events: [{ type: 'rejected', to: 'EXECUTING', actor: 'person', data: { stepIndex: 1, stepId: 'restart', note: 'not now', by: 'ana' } }], next: { kind: 'continue' } });
    expect(types(w.apply(outcomeOf(w.act())))).toEqual(['step_skipped']);
    w.apply(outcomeOf(w.act())); // validating
    const o = w.apply(outcomeOf(w.act()));
    expect(o.events[0]).toMatchObject({ type: 'escalated', data: { reason: 'nothing left to try: every write was declined: restart (declined by ana: not now)' } });
  });

  it('a monitoring alert with nothing to verify waits (once said) for its resolved notification, bounded', () => {
    const w = world({ fingerprint: 'abc' });
    w.plan([step('df', 'check')]);
    const a = w.act();
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    w.apply(callStarted(a.effect, false));
    w.apply(callFinished(w.view, a.effect, { output: 'ok' }));
    w.apply(outcomeOf(w.act())); // validating
    const first = w.apply(outcomeOf(w.act()));
    expect(types(first)).toEqual(['awaiting_resolution']);
    expect(first.next).toEqual({ kind: 'later', at: 1_000 + 60_000 });
    expect(outcomeOf(w.act())).toEqual({ events: [], next: { kind: 'later', at: 61_000 } });
    w.advance(60_000);
    expect(outcomeOf(w.act()).events[0]).toMatchObject({ type: 'escalated', data: { class: 'validation' } });
  });

  it('a decision is due at a phase end when the planner decides; a refused decision changes nothing and says why', () => {
    const w = world();
    w.plan([step('df', 'check', { phase: 'diagnose' }), step('restart', 'restart', { phase: 'mitigate' })]);
    const a = w.act({ ...cfg, decides: true });
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    w.apply(callStarted(a.effect, false));
    w.apply(callFinished(w.view, a.effect, { output: 'ok' }));
    const due = w.act({ ...cfg, decides: true });
    expect(due).toEqual({ effect: { kind: 'decide', breaker: 'model:runbook', due: { phase: 'diagnose', stepIndex: 1, round: 0 } } });
    const o = decided(w.view, tools, { phase: 'diagnose', stepIndex: 1, round: 0 }, { raw: { skip: [{ stepId: 'df', reason: 'done already' }] }, tokens: 0, by: 'model', notes: [] });
    expect(o.events[0]).toMatchObject({ type: 'decided', data: { skip: [], notes: ['decision refused (skip df: not a step still to run); the plan goes on as it stands'] } });
  });

  it('a retry starts a new generation: a write done before it still counts, a checklist item is done again, the workflow is no longer archived', () => {
    const w = world({}, { policy: () => allow });
    w.plan([step('restart', 'restart'), step('purge', 'restart'), { id: 'tell', tool: TOOL.checklist, input: { name: 'tell', item: 'Tell the team' } } as PlanStep]);
    const a = w.act();
    if (!('effect' in a) || a.effect.kind !== 'call') throw new Error('expected a call');
    w.apply(callStarted(a.effect, false));
    w.apply(callFinished(w.view, a.effect, { output: 'restarted' }));
    w.apply({ events: [{ type: 'rejected', to: 'EXECUTING', actor: 'person', data: { stepIndex: 1, stepId: 'purge', note: 'keep it', by: 'ana' } }], next: { kind: 'continue' } });
    w.apply(outcomeOf(w.act())); // purge skipped
    w.apply(outcomeOf(w.act())); // checklist waits
    w.apply({ events: [{ type: 'ticked', to: 'EXECUTING', actor: 'person', data: { name: 'tell', outcome: 'done', stepId: 'tell', by: 'ana' } }], next: { kind: 'continue' } });
    w.apply(outcomeOf(w.act())); // ticked item done
    w.apply({ events: [{ type: 'archived', actor: 'person', data: { by: 'ana' } }], next: { kind: 'continue' } });
    w.apply({ events: [{ type: 'retried', to: 'EXECUTING', actor: 'person', data: { stepIndex: 2, stepId: 'tell', by: 'ana' } }], next: { kind: 'continue' } });
    expect(w.view).toMatchObject({ generation: 1, archived: false });
    expect(w.view.answers).not.toHaveProperty('tell');
    w.apply(outcomeOf(w.act()));
    expect(w.view.waiting).toMatchObject({ kind: 'checklist', item: 'Tell the team' });
    w.apply({ events: [{ type: 'ticked', to: 'EXECUTING', actor: 'person', data: { name: 'tell', outcome: 'done', stepId: 'tell', by: 'ana' } }], next: { kind: 'continue' } });
    w.apply(outcomeOf(w.act())); // done
    w.apply(outcomeOf(w.act())); // validating
    expect(types(w.apply(outcomeOf(w.act())))).toEqual(['completed->COMPLETED']);
  });
});
