// The panel's "Last time" card can forget a memory: Forget… asks inline first (no confirm() in a webview), then
// sends one validated message; Keep it changes nothing; the card is gone once the view comes back without it.
import { describe, expect, it } from 'vitest';
import type { WorkflowPanelView } from '../../../protocol/agent';
import type { LastTimeView } from '../../../protocol/memory';
import { FromWebview } from '../../../protocol/webview';
import { receive } from '../../../webview/receive';
import { FakeNode, useFakeDocument } from './fakeDom';
import type { Context } from '../../../webview/store';
import { panelView, recordingContext, workflowItem } from './panelFixtures';
import { lastTimeView } from '../../../webview/views/lastTime';

useFakeDocument();

const memory: LastTimeView = {
  memoryId: 'mem-wf-1',
  workflowId: 'wf-1',
  title: 'Log volume of checkout is filling up',
  state: 'COMPLETED',
  settledAt: '2026-12-01T05:00:00Z',
  shared: ['alertname=DemoLogVolumeFillingUp'],
  runbook: 'runbooks/log-volume-filling-up.md',
  text: 'Completed 1 day ago in 4 minutes; compressed the old logs.',
};
const item = workflowItem({ needsApproval: true, attention: 'approval' });
const panel = (lastTime: LastTimeView[]) => panelView({ workflow: item, lastTime });
const context = () => recordingContext('wf-2');
const render = (ctx: Context, view: WorkflowPanelView) => lastTimeView(ctx, view) as unknown as FakeNode | null;

describe('Forget on the "Last time" card', () => {
  it('offers Forget… on each memory, and sends nothing until it is confirmed', () => {
    const ctx = context();
    const card = render(ctx, panel([memory]))!;
    expect(card.byTestId('last-time-item')!.textContent).toContain('Memory mem-wf-1 · Forget…');
    const forget = card.byTestId('last-time-forget')!;
    expect(forget.attributes.get('aria-label')).toBe('Forget the memory of Log volume of checkout is filling up (mem-wf-1)…');
    forget.click();
    expect(ctx.sent).toEqual([]);
    expect(ctx.state.confirm).toMatchObject({ key: 'wf-2:forget:mem-wf-1', kind: 'forget', memoryId: 'mem-wf-1' });
    // The confirm takes the focus, on the button that forgets.
    expect(ctx.focused).toEqual(['forget-mem-wf-1-yes']);

    const confirming = render(ctx, panel([memory]))!;
    const question = confirming.byTestId('last-time-confirm')!;
    expect(question.attributes.get('role')).toBe('group');
    expect(question.textContent).toContain('the event log records that you forgot it, never what it said. Workflow wf-1 itself stays.');
    expect(confirming.byTestId('last-time-forget')).toBeUndefined();
    confirming.button('Forget').click();
    expect(ctx.sent).toEqual([{ type: 'forgetMemory', id: 'wf-2', memoryId: 'mem-wf-1' }]);
    // What the extension host checks the message against.
    expect(FromWebview.parse(ctx.sent[0])).toEqual(ctx.sent[0]);
    expect(ctx.state).toMatchObject({ busy: true, confirm: undefined });
  });

  it('Keep it closes the confirm without sending anything', () => {
    const ctx = context();
    render(ctx, panel([memory]))!.byTestId('last-time-forget')!.click();
    render(ctx, panel([memory]))!.button('Keep it').click();
    expect(ctx.sent).toEqual([]);
    expect(ctx.state.confirm).toBeUndefined();
    expect(ctx.focused.at(-1)).toBe('forget-mem-wf-1');
    expect(render(ctx, panel([memory]))!.byTestId('last-time-forget')).toBeDefined();
  });

  it('only the memory being confirmed asks; the card is gone once the view comes back without it', () => {
    const ctx = context();
    const other = { ...memory, memoryId: 'mem-wf-0', workflowId: 'wf-0' };
    render(ctx, panel([memory, other]))!.all().filter((n) => n.attributes.get('data-testid') === 'last-time-forget')[1]!.click();
    const card = render(ctx, panel([memory, other]))!;
    expect(card.all().filter((n) => n.attributes.get('data-testid') === 'last-time-confirm')).toHaveLength(1);
    expect(card.byTestId('last-time-confirm')!.textContent).toContain('Workflow wf-0 itself stays.');
    card.button('Forget').click();
    expect(ctx.sent).toEqual([{ type: 'forgetMemory', id: 'wf-2', memoryId: 'mem-wf-0' }]);
    receive(ctx.state, { type: 'view', view: panel([]) });
    expect(ctx.state.busy).toBe(false);
    expect(render(ctx, ctx.state.view!)).toBeNull();
  });

  it('the message is refused unless it names a workflow and a memory, and nothing more', () => {
    expect(FromWebview.safeParse({ type: 'forgetMemory', id: 'wf-2' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'forgetMemory', id: 'wf-2', memoryId: '' }).success).toBe(false);
    expect(FromWebview.safeParse({ type: 'forgetMemory', id: 'wf-2', memoryId: 'mem-wf-1', workspace: '/elsewhere' }).success).toBe(false);
  });
});
