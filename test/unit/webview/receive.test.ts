import { describe, expect, it } from 'vitest';
import type { WorkflowItem, WorkflowPanelView } from '../../../protocol/agent';
import { receive } from '../../../webview/receive';
import { initialState } from '../../../webview/store';

function item(id: string, createdAt: string): WorkflowItem {
  return {
    id, intakeKey: null, title: id, state: 'EXECUTING', reason: null, stepIndex: 0, stepCount: 1,
    usage: { steps: 0, toolCalls: 0, tokens: 0 }, createdAt, updatedAt: createdAt, workspace: '/ws', needsApproval: false, needsAnswer: false,
    attention: null, archived: false, waitsUntil: null,
  };
}

function view(id: string): WorkflowPanelView {
  return {
    workflow: item(id, '2026-11-24T05:00:00Z'), states: ['RECEIVED'], alert: { title: 't', severity: 'info', source: 's', labels: {}, annotations: {} },
    summary: {
      fired: { title: 't', severity: 'info', labels: {}, at: 0 }, state: 'EXECUTING', reason: null, checked: [], causes: [], done: [],
      verification: { status: 'not verified yet', items: [], by: null }, timings: [], next: null,
    },
    planSummary: null, planner: null, planVersion: 1, steps: [], waiting: null, awaitingResolution: null, sources: [], spans: [], tier: 'read-only', executionBlocked: null,
  };
}

describe('receive', () => {
  it('opens the newest workflow when nothing was chosen, and asks the extension for it', () => {
    const state = initialState(null);
    const next = receive(state, { type: 'workflows', workflows: [item('old', '2026-11-24T04:00:00Z'), item('new', '2026-11-24T05:00:00Z')], pendingApprovals: 1 });
    expect(next).toEqual({ type: 'select', id: 'new' });
    expect(state.selectedId).toBe('new');
    expect(state.pendingApprovals).toBe(1);
  });

  it('keeps the workflow a person chose (or a reload restored) when the list changes', () => {
    const state = initialState('old');
    expect(receive(state, { type: 'workflows', workflows: [item('old', '2026-11-24T04:00:00Z'), item('new', '2026-11-24T05:00:00Z')], pendingApprovals: 0 })).toBeUndefined();
    expect(state.selectedId).toBe('old');
  });

  it('drops a view that arrives for a workflow the person has left', () => {
    const state = initialState('b');
    receive(state, { type: 'view', view: view('a') });
    expect(state.view).toBeUndefined();
    receive(state, { type: 'view', view: view('b') });
    expect(state.view?.workflow.id).toBe('b');
  });

  it('ends a pending action on a refusal, and shows the reason only on the workflow it concerns', () => {
    const state = initialState('a');
    state.busy = true;
    receive(state, { type: 'actionFailed', id: 'other', message: 'input changed since it was shown' });
    expect(state.busy).toBe(false);
    expect(state.actionError).toBeUndefined();
    receive(state, { type: 'actionFailed', id: 'a', message: 'input changed since it was shown' });
    expect(state.actionError).toBe('input changed since it was shown');
  });

  it('forgets the old workflow\'s view, errors and pending action when the extension selects another', () => {
    const state = initialState('a');
    receive(state, { type: 'view', view: view('a') });
    Object.assign(state, { busy: true, actionError: 'x', viewError: 'y' });
    receive(state, { type: 'selected', id: 'b' });
    expect(state).toMatchObject({ selectedId: 'b', cursorId: 'b', view: undefined, busy: false, actionError: undefined, viewError: undefined });
  });
});
