// When only search chose the runbook, the plan's first checklist item asks a person to confirm it; its card also
// offers "Use another runbook…", which asks the extension to let the person pick one (and names no file itself).
import { describe, expect, it } from 'vitest';
import { FromWebview } from '../../../protocol/webview';
import { CONFIRM_RUNBOOK_STEP } from '../../../protocol/workflow';
import { waitingCard } from '../../../webview/views/waiting';
import { FakeNode, useFakeDocument } from './fakeDom';
import { panelView, recordingContext, workflowItem } from './panelFixtures';

useFakeDocument();

const waitingOn = (stepId: string, o: { executionBlocked?: string } = {}) =>
  panelView({
    workflow: workflowItem({ attention: 'checklist' }),
    waiting: { kind: 'checklist', stepId, stepIndex: 1, name: stepId, item: 'Check that runbooks/queue-stuck.md answers this alert: only search chose it.' },
    executionBlocked: o.executionBlocked ?? null,
  });

describe('the card of the runbook confirmation', () => {
  it('offers Use another runbook… beside Done and Skipped, and sends only the workflow id', () => {
    const ctx = recordingContext();
    const card = waitingCard(ctx, waitingOn(CONFIRM_RUNBOOK_STEP)) as unknown as FakeNode;
    expect(card.buttons().map((b) => b.textContent)).toEqual(['Done', 'Skipped', 'Use another runbook…']);
    expect(card.button('Use another runbook…').attributes.has('disabled')).toBe(false);
    card.button('Use another runbook…').click();
    expect(ctx.sent).toEqual([{ type: 'useRunbook', id: 'wf-2' }]);
    expect(FromWebview.parse(ctx.sent[0])).toEqual(ctx.sent[0]);
    // The webview never names the file: a path in the message is refused.
    expect(FromWebview.safeParse({ type: 'useRunbook', id: 'wf-2', runbook: '../../etc/passwd' }).success).toBe(false);
  });

  it('is not offered on a runbook instruction, and is disabled where nothing may run', () => {
    const other = waitingCard(recordingContext(), waitingOn('todo-diagnose-1')) as unknown as FakeNode;
    expect(other.buttons().map((b) => b.textContent)).toEqual(['Done', 'Skipped']);
    const blocked = waitingCard(recordingContext(), waitingOn(CONFIRM_RUNBOOK_STEP, { executionBlocked: 'Restricted Mode' })) as unknown as FakeNode;
    expect(blocked.button('Use another runbook…').attributes.has('disabled')).toBe(true);
  });
});
