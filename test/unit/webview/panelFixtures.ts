// A workflow as the panel gets it, and a panel context that records what it sends and focuses: the shared
// starting point of the webview's rendering tests (each overrides what it is about).
import type { WorkflowItem, WorkflowPanelView } from '../../../protocol/agent';
import type { FromWebview } from '../../../protocol/webview';
import { initialState, type Context, type PanelState } from '../../../webview/store';

export function workflowItem(o: Partial<WorkflowItem> = {}): WorkflowItem {
  return {
    id: 'wf-2', intakeKey: null, title: 'Log volume of checkout is filling up', state: 'WAITING_FOR_PERSON', reason: null, stepIndex: 1, stepCount: 4, usage: { steps: 1, toolCalls: 1, tokens: 0 },
    createdAt: '2026-12-02T05:00:00Z', updatedAt: '2026-12-02T05:00:00Z', workspace: '/ws', needsApproval: false, needsAnswer: false, attention: null, archived: false, waitsUntil: null,
    ...o,
  };
}

export function panelView(o: Partial<WorkflowPanelView> = {}): WorkflowPanelView {
  const workflow = o.workflow ?? workflowItem();
  return {
    workflow, states: ['RECEIVED', workflow.state], alert: { title: workflow.title, severity: 'warning', source: 'alertmanager', labels: {}, annotations: {} },
    summary: { fired: { title: workflow.title, severity: 'warning', labels: {}, at: 0 }, state: workflow.state, reason: null, checked: [], causes: [], done: [], verification: { status: 'not verified yet', items: [], by: null }, timings: [], next: null },
    planSummary: null, planner: null, planVersion: 1, steps: [], waiting: null, awaitingResolution: null, sources: [], spans: [], tier: 'read-only', executionBlocked: null,
    ...o,
  } as WorkflowPanelView;
}

/** A context whose updates really change the state, and which keeps what was sent and focused. */
export function recordingContext(id = 'wf-2'): Context & { state: PanelState; sent: FromWebview[]; focused: string[] } {
  const state = initialState(id);
  const sent: FromWebview[] = [];
  const focused: string[] = [];
  return { state, sent, focused, now: Date.parse('2026-12-02T05:00:00Z'), update: (change) => change(state), send: (m) => sent.push(m), focus: (f) => focused.push(f) };
}
