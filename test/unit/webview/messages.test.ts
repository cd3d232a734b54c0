import { describe, expect, it } from 'vitest';
import { FromWebview, SourceRef, ToWebview } from '../../../protocol/webview';

describe('panel messages from the webview', () => {
  it('accept each action the panel sends', () => {
    for (const message of [
      { type: 'ready', selectedId: 'wf-1' },
      { type: 'select', id: 'wf-1' },
      { type: 'approve', id: 'wf-1', stepId: 'compress', inputHash: 'abc' },
      { type: 'reject', id: 'wf-1', stepId: 'compress', reason: 'not during business hours' },
      { type: 'edit', id: 'wf-1', stepId: 'compress', command: 'gzip -9 logs/a.log' },
      { type: 'answer', id: 'wf-1', value: '7' },
      { type: 'setTier', id: 'wf-1', tier: 'approved-writes' },
      { type: 'openSource', root: '/ws', path: 'runbooks/a.md', startLine: 3, endLine: 9 },
      { type: 'runCommand', command: 'runbookAgent.triageAlert' },
      { type: 'tick', id: 'wf-1', stepId: 'check-dashboard', outcome: 'done', note: '' },
      { type: 'tick', id: 'wf-1', stepId: 'check-dashboard', outcome: 'skipped', note: 'no access' },
      { type: 'markResolved', id: 'wf-1', note: 'graph is flat' },
      { type: 'escalateNow', id: 'wf-1', note: '' },
      { type: 'cancel', id: 'wf-1', note: 'false alarm' },
      { type: 'retry', id: 'wf-1', stepId: 'log-usage' },
      { type: 'archive', id: 'wf-1' },
      { type: 'exportReport', id: 'wf-1' },
      { type: 'showArchived', show: true },
    ]) {
      expect(FromWebview.safeParse(message).success, message.type).toBe(true);
    }
  });

  it('refuse an approval without the input hash the card showed', () => {
    expect(FromWebview.safeParse({ type: 'approve', id: 'wf-1', stepId: 'compress' }).success).toBe(false);
  });

  it('refuse a rejection whose reason is empty or only spaces', () => {
    expect(FromWebview.safeParse({ type: 'reject', id: 'wf-1', stepId: 'compress', reason: '' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'reject', id: 'wf-1', stepId: 'compress', reason: '   ' }).success).toBe(false);
  });

  it('never let the panel switch a workspace to auto-approve or name the workspace itself', () => {
    expect(FromWebview.safeParse({ type: 'setTier', id: 'wf-1', tier: 'auto-approve' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'setTier', id: 'wf-1', tier: 'approved-writes', workspace: '/' }).success).toBe(false);
  });

  it('tick a checklist item only as done or skipped', () => {
    expect(FromWebview.safeParse({ type: 'tick', id: 'wf-1', stepId: 's', outcome: 'maybe', note: '' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'retry', id: 'wf-1' }).success).toBe(false);
  });

  it('run only the commands the panel has buttons for', () => {
    expect(FromWebview.safeParse({ type: 'runCommand', command: 'workbench.action.terminal.new' }).success).toBe(false);
  });
});

describe('panel messages to the webview', () => {
  it('refuse a workflow view that lacks fields', () => {
    expect(ToWebview.safeParse({ type: 'view', view: { workflow: { id: 'wf-1' } } }).success).toBe(false);
    expect(ToWebview.safeParse({ type: 'selected', id: null }).success).toBe(true);
  });

  it('read an approval source only when it has a path and a line range', () => {
    expect(SourceRef.safeParse({ path: 'runbooks/a.md', startLine: 39, endLine: 41, heading: 'Mitigation' }).success).toBe(true);
    expect(SourceRef.safeParse({ path: 'runbooks/a.md' }).success).toBe(false);
    expect(SourceRef.safeParse(undefined).success).toBe(false);
  });
});
