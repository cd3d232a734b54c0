// The decision core's person rules (engine/control/workflow/core/person.ts), with plain views: what each decision commits
// and what it does to the task. Both the local SQLite file (engine/control/workflow/person.ts) and the control store
// (ControlStore.commitDecision, `--store`) commit exactly this, so the `next` each decision gives is the contract.
import { describe, expect, it } from 'vitest';
import { decidePerson, type PersonDecision } from '../../../engine/control/workflow/core/person';
import { IllegalTransition, InvalidRequest } from '../../../engine/control/workflow/errors';
import { applyEvent, type EventDraft } from '../../../engine/control/workflow/reducer';
import type { WorkflowView } from '../../../engine/control/workflow/view';

const T0 = Date.UTC(2026, 0, 1);
const plan = {
  summary: 'p',
  steps: [
    { id: 'look', tool: 'shell', input: { command: 'ls' }, risk: 'read' },
    { id: 'fix', tool: 'shell', input: { command: 'rm x' }, risk: 'write' },
  ],
};
const approvalCard = { kind: 'approval', stepId: 'fix', stepIndex: 1, tool: 'shell', input: { command: 'rm x' }, inputHash: 'a'.repeat(64), describe: 'rm x', risk: 'write', reasons: ['removes x'], policy: 'a write always waits for a person', held: false };
const questionCard = { kind: 'question', stepId: 'fix', stepIndex: 1, name: 'days', question: 'How many days?', expects: 'number' };

function viewAfter(drafts: EventDraft[]): WorkflowView {
  let view: WorkflowView | null = null;
  for (const d of [
    { type: 'created', data: { request: { source: 'test', title: 't', severity: 'warning', labels: {}, annotations: {} }, intakeKey: 'k', budget: { steps: 50, toolCalls: 50, tokens: 0 } } },
    { type: 'planned', to: 'PLANNED', data: { plan, planVersion: 1 } },
    { type: 'executing', to: 'EXECUTING' },
    ...drafts,
  ] as EventDraft[]) {
    view = applyEvent(view, { workflowId: 'w1', type: d.type, to: d.to ?? null, at: T0, data: d.data ?? {} });
  }
  return view!;
}
const waitingOn = (waiting: unknown) => viewAfter([{ type: 'waiting_for_person', to: 'WAITING_FOR_PERSON', data: { waiting, reason: 'waits' } }]);

describe('decidePerson', () => {
  it('approves exactly the input shown and hands the workflow back to the engine', () => {
    const view = waitingOn(approvalCard);
    const out = decidePerson(view, { kind: 'approve', by: 'ann', ref: { stepId: 'fix', inputHash: approvalCard.inputHash } });
    expect(out).toEqual({ events: [{ type: 'approved', to: 'EXECUTING', actor: 'person', data: { stepIndex: view.stepIndex, stepId: 'fix', inputHash: approvalCard.inputHash, by: 'ann' } }], next: { kind: 'continue' } });
    expect(() => decidePerson(view, { kind: 'approve', by: 'ann', ref: { inputHash: 'b'.repeat(64) } })).toThrow(/step fix changed since it was shown \(input hash aaaaaaaaaaaa, not bbbbbbbbbbbb\)/);
    expect(() => decidePerson(view, { kind: 'approve', by: 'ann', ref: { stepId: 'look' } })).toThrow(/waits on step fix, not look/);
    expect(() => decidePerson(waitingOn({ ...approvalCard, held: true }), { kind: 'approve', by: 'ann' })).toThrow(/is held/);
    expect(() => decidePerson(waitingOn(questionCard), { kind: 'approve', by: 'ann' })).toThrow(/waits for an answer/);
  });

  it('plans again from the runbook a person names, only while the workflow waits for them, and only a path inside the workspace', () => {
    const view = waitingOn(questionCard);
    const out = decidePerson(view, { kind: 'use-runbook', by: 'ann', runbook: 'runbooks/disk.md' });
    expect(out).toEqual({ events: [{ type: 'runbook_chosen', to: 'FAILED', actor: 'person', data: { runbook: 'runbooks/disk.md', by: 'ann', class: 'replan', reason: 'ann chose the runbook runbooks/disk.md' } }], next: { kind: 'continue' } });
    // The reducer keeps the choice for the next plan.
    expect(applyEvent(view, { workflowId: 'w1', type: 'runbook_chosen', to: 'FAILED', at: T0, data: out.events[0]!.data as Record<string, unknown> }).chosenRunbook).toBe('runbooks/disk.md');
    for (const bad of ['/etc/passwd.md', '../elsewhere/r.md', 'a/../../r.md', '']) {
      expect(() => decidePerson(view, { kind: 'use-runbook', by: 'ann', runbook: bad }), bad).toThrow(/must be a path inside the workspace/);
    }
    expect(() => decidePerson(viewAfter([]), { kind: 'use-runbook', by: 'ann', runbook: 'runbooks/disk.md' })).toThrow(/is EXECUTING: another runbook can be chosen while it waits/);
  });

  it('refuses a decision for a workflow that no longer waits (someone decided first)', () => {
    const approved = applyEvent(waitingOn(approvalCard), { workflowId: 'w1', type: 'approved', to: 'EXECUTING', at: T0, data: { stepIndex: 1, stepId: 'fix', inputHash: approvalCard.inputHash, by: 'ann' } });
    for (const d of [{ kind: 'approve', by: 'bob' }, { kind: 'answer', by: 'bob', value: '1' }, { kind: 'reject', by: 'bob', note: 'no', ref: { stepId: 'fix' } }, { kind: 'tick', by: 'bob', outcome: 'done', note: '' }] as PersonDecision[]) {
      expect(() => decidePerson(approved, d), d.kind).toThrow(IllegalTransition);
    }
    // A rejection while it waits for something else (a question) escalates, if it is about the step it waits on.
    const asked = waitingOn(questionCard);
    expect(decidePerson(asked, { kind: 'reject', by: 'bob', note: 'no idea', ref: { stepId: 'fix' } })).toEqual({ events: [{ type: 'escalated', to: 'ESCALATED', actor: 'person', data: { reason: 'rejected by bob: no idea', by: 'bob' } }] });
    expect(() => decidePerson(asked, { kind: 'reject', by: 'bob', note: 'no', ref: { stepId: 'look' } })).toThrow(/waits on step fix, not look/);
  });

  it('checks answers, and says what each decision does to the task', () => {
    const asked = waitingOn(questionCard);
    expect(() => decidePerson(asked, { kind: 'answer', by: 'ann', value: 'rm -rf /' })).toThrow(InvalidRequest);
    expect(decidePerson(asked, { kind: 'answer', by: 'ann', value: '7' })).toMatchObject({ events: [{ type: 'answered', data: { name: 'days', value: '7' } }], next: { kind: 'continue' } });
    const card = waitingOn(approvalCard);
    expect(decidePerson(card, { kind: 'reject', by: 'ann', note: 'no' })).toMatchObject({ events: [{ type: 'rejected', to: 'EXECUTING', data: { stepId: 'fix', reason: 'step fix declined by ann: no' } }], next: { kind: 'continue' } });
    expect(decidePerson(card, { kind: 'cancel', by: 'ann', note: 'dup' }).next).toEqual({ kind: 'settled' });
    expect(decidePerson(card, { kind: 'escalate', by: 'ann', note: 'help' }).next).toEqual({ kind: 'settled' });
    expect(decidePerson(card, { kind: 'retry', by: 'ann', stepId: 'look' })).toMatchObject({ events: [{ type: 'retried', data: { stepIndex: 0 } }], next: { kind: 'continue' } });
    expect(() => decidePerson(card, { kind: 'retry', by: 'ann', stepId: 'nope' })).toThrow(/has no step nope/);
    expect(() => decidePerson(card, { kind: 'archive', by: 'ann' })).toThrow(/only a settled workflow can be archived/);
    expect(() => decidePerson(card, { kind: 'mark-resolved', by: 'ann', note: '' })).toThrow(/not waiting for its alert to resolve/);
    // Archive and resolve leave the task as it is (no `next`).
    const escalated = applyEvent(card, { workflowId: 'w1', type: 'escalated', to: 'ESCALATED', at: T0, data: { reason: 'x' } });
    expect(decidePerson(escalated, { kind: 'resolve', by: 'ann', note: 'fixed by hand' })).toEqual({ events: [{ type: 'resolved', to: 'COMPLETED', actor: 'person', data: { reason: 'resolved by ann: fixed by hand', by: 'ann' } }] });
    expect(decidePerson(escalated, { kind: 'archive', by: 'ann' })).toEqual({ events: [{ type: 'archived', actor: 'person', data: { by: 'ann' } }] });
  });
});
