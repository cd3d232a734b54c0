import { describe, expect, it } from 'vitest';
import type { WorkflowItem } from '../../../protocol/agent';
import { reportFileName } from '../../../engine/planning/observe/report';
import { receive } from '../../../webview/receive';
import { initialState } from '../../../webview/store';
import { pendingText } from '../../../webview/views/header';
import { markOf } from '../../../webview/views/plan';
import { answerProblem, untilText } from '../../../webview/views/waiting';

const item = (id: string): WorkflowItem => ({
  id, intakeKey: null, title: id, state: 'EXECUTING', reason: null, stepIndex: 0, stepCount: 1, usage: { steps: 0, toolCalls: 0, tokens: 0 },
  createdAt: '2026-11-24T05:00:00Z', updatedAt: '2026-11-24T05:00:00Z', workspace: '/ws', needsApproval: false, needsAnswer: false, attention: null, archived: false, waitsUntil: null,
});

describe('a step row never shows a failed or complaining command as a plain ✓', () => {
  it('marks by the flag first, then the status', () => {
    expect(markOf({ status: 'done', flag: 'ok' }).icon).toBe('✓');
    expect(markOf({ status: 'done', flag: 'flagged' })).toMatchObject({ icon: '⚠', label: 'flagged' });
    expect(markOf({ status: 'failed', flag: 'failed' })).toMatchObject({ icon: '✗', label: 'failed' });
    expect(markOf({ status: 'done', flag: 'failed' }).icon).toBe('✗');
    expect(markOf({ status: 'skipped', flag: 'declined' })).toMatchObject({ icon: '–', label: 'declined' });
    expect(markOf({ status: 'pending', flag: null }).icon).toBe('○');
  });
});

describe('a question that fills a number', () => {
  it('refuses a word before it is sent, and takes digits, a minus sign and decimals', () => {
    expect(answerProblem('seven', 'number')).toMatch(/must be a number/);
    expect(answerProblem('7; rm -rf /', 'number')).toMatch(/must be a number/);
    expect(answerProblem('1e3', 'number')).toMatch(/must be a number/);
    for (const ok of ['7', ' 30 ', '-1', '0.5']) expect(answerProblem(ok, 'number')).toBeUndefined();
    expect(answerProblem('seven', undefined)).toBeUndefined();
    expect(answerProblem('   ', undefined)).toMatch(/Type an answer/);
  });
});

describe('the wait for the alert says until when', () => {
  it('gives the time of day today, and the day too otherwise', () => {
    const at = new Date(2026, 10, 24, 14, 5);
    expect(untilText(at.toISOString(), new Date(2026, 10, 24, 13, 0).getTime())).toBe('14:05');
    expect(untilText(at.toISOString(), new Date(2026, 10, 23, 13, 0).getTime())).toMatch(/^Tue Nov 24 14:05$/);
  });
});

describe('the header counts every wait on a person', () => {
  it('says approvals as before, and the rest after them', () => {
    expect(pendingText(0, 0)).toBe('No approvals waiting');
    expect(pendingText(1, 1)).toBe('1 approval waiting');
    expect(pendingText(2, 3)).toBe('2 approvals waiting · 1 more needs you');
    expect(pendingText(0, 2)).toBe('2 need you');
  });
});

describe('after a reload', () => {
  it('says "Restoring…" until the engine answers, not "No workflows yet"', () => {
    const state = initialState('wf-1');
    expect(state.restoring).toBe(true);
    // The engine may answer with an empty list while it starts: the restored view still decides.
    receive(state, { type: 'workflows', workflows: [], pendingApprovals: 0 });
    expect(state.restoring).toBe(true);
    receive(state, { type: 'workflows', workflows: [item('wf-1')], pendingApprovals: 0, needsPerson: 0 });
    expect(state.restoring).toBe(false);
  });

  it('stops restoring when the saved workflow is gone', () => {
    const state = initialState('wf-gone');
    receive(state, { type: 'viewFailed', id: 'wf-gone', message: 'unknown workflow wf-gone' });
    expect(state.restoring).toBe(false);
    expect(initialState(null).restoring).toBe(false);
  });
});

describe('the postmortem draft’s file name', () => {
  it('is the day the alert fired and its name, safe anywhere', () => {
    const fired = (labels: Record<string, string>, title = 'Disk / is full!') => ({ fired: { title, severity: 'warning', labels, at: Date.UTC(2026, 10, 24, 3) } });
    expect(reportFileName(fired({ alertname: 'DemoLogVolumeFillingUp' }))).toBe('2026-11-24-demo-log-volume-filling-up.md');
    expect(reportFileName(fired({}))).toBe('2026-11-24-disk-is-full.md');
    expect(reportFileName(fired({ alertname: '../../etc/passwd' }))).toBe('2026-11-24-etc-passwd.md');
    expect(reportFileName(fired({}, '日本語'))).toBe('2026-11-24-incident.md');
  });
});
