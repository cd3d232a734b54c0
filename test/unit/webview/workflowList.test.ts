import { describe, expect, it } from 'vitest';
import type { WorkflowItem } from '../../../protocol/agent';
import { attentionOf, moveCursor, newestFirst } from '../../../webview/workflowList';

function item(id: string, createdAt: string, extra: Partial<WorkflowItem> = {}): WorkflowItem {
  return {
    id,
    intakeKey: null,
    title: id,
    state: 'EXECUTING',
    reason: null,
    stepIndex: 0,
    stepCount: 3,
    usage: { steps: 0, toolCalls: 0, tokens: 0 },
    createdAt,
    updatedAt: createdAt,
    workspace: '/ws',
    needsApproval: false,
    needsAnswer: false,
    attention: null,
    archived: false,
    waitsUntil: null,
    ...extra,
  };
}

describe('newestFirst', () => {
  it('orders by creation time, newest first, whatever order the engine sent', () => {
    const list = [item('a', '2026-11-24T05:00:00Z'), item('c', '2026-11-24T07:00:00Z'), item('b', '2026-11-24T06:00:00Z')];
    expect(newestFirst(list).map((w) => w.id)).toEqual(['c', 'b', 'a']);
    expect(list.map((w) => w.id)).toEqual(['a', 'c', 'b']);
  });

  it('breaks ties by id so two refreshes never swap rows, and sinks unparseable times', () => {
    const same = '2026-11-24T05:00:00.000Z';
    expect(newestFirst([item('x1', same), item('x2', same), item('bad', 'not a date')]).map((w) => w.id)).toEqual(['x2', 'x1', 'bad']);
    expect(newestFirst([item('x2', same), item('x1', same)]).map((w) => w.id)).toEqual(['x2', 'x1']);
  });
});

describe('moveCursor', () => {
  it('moves one row with the arrows and stops at the ends', () => {
    expect(moveCursor(0, 'ArrowDown', 3)).toBe(1);
    expect(moveCursor(2, 'ArrowDown', 3)).toBe(2);
    expect(moveCursor(0, 'ArrowUp', 3)).toBe(0);
    expect(moveCursor(1, 'ArrowUp', 3)).toBe(0);
  });

  it('jumps with Home, End and the page keys', () => {
    expect(moveCursor(1, 'Home', 30)).toBe(0);
    expect(moveCursor(1, 'End', 30)).toBe(29);
    expect(moveCursor(25, 'PageDown', 30)).toBe(29);
    expect(moveCursor(12, 'PageUp', 30)).toBe(2);
  });

  it('ignores other keys and empty lists, and recovers from a cursor past the end', () => {
    expect(moveCursor(0, 'Enter', 3)).toBeUndefined();
    expect(moveCursor(0, 'ArrowDown', 0)).toBeUndefined();
    expect(moveCursor(9, 'ArrowUp', 3)).toBe(1);
  });
});

describe('attentionOf', () => {
  it('puts an approval before a question, and nothing on a workflow that needs no one', () => {
    expect(attentionOf(item('a', '', { needsApproval: true, needsAnswer: true }))).toBe('approval');
    expect(attentionOf(item('a', '', { needsAnswer: true }))).toBe('question');
    expect(attentionOf(item('a', ''))).toBeNull();
  });

  it('marks a checklist item, an escalation and a wait for the alert too', () => {
    expect(attentionOf(item('a', '', { attention: 'checklist' }))).toBe('checklist');
    expect(attentionOf(item('a', '', { state: 'ESCALATED', attention: 'escalated' }))).toBe('escalated');
    expect(attentionOf(item('a', '', { state: 'VALIDATING', attention: 'resolution' }))).toBe('resolution');
  });
});
