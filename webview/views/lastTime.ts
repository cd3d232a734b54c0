/**
 * "Last time": earlier incidents of the same alert (same alertname and identity labels) that settled before this
 * one fired, as the engine remembered them (engine/memory): when, how it ended, what ran, what fixed it, with a
 * link to that workflow. Text only: what the engine sends is never parsed as markup.
 */
import type { WorkflowPanelView } from '../../protocol/agent';
import { button, el } from '../dom';
import { formatAge } from '../format';
import { select } from '../receive';
import type { Context } from '../store';

export function lastTimeView(ctx: Context, view: WorkflowPanelView): HTMLElement | null {
  const items = view.lastTime ?? [];
  if (items.length === 0) return null;
  return el('section', { class: 'last-time', 'data-testid': 'last-time', 'aria-labelledby': 'last-time-title' }, [
    el('h3', { id: 'last-time-title' }, ['Last time']),
    el(
      'ul',
      { class: 'summary-list' },
      items.map((m) =>
        el('li', { 'data-testid': 'last-time-item' }, [
          button(m.title, () => open(ctx, m.workflowId), { class: 'link', title: `Open workflow ${m.workflowId}` }),
          el('span', { class: 'muted' }, [` · settled ${formatAge(m.settledAt, ctx.now)}`, m.runbook ? ` · runbook ${m.runbook}` : '']),
          el('p', {}, [m.text]),
          el('p', { class: 'muted small' }, ['Memory ', el('code', {}, [m.memoryId]), ' · forget it with ', el('code', {}, [`runbook-agent memory forget ${m.memoryId}`])]),
        ]),
      ),
    ),
  ]);
}

function open(ctx: Context, id: string): void {
  ctx.update((state) => {
    select(state, id);
    state.cursorId = id;
  });
  ctx.send({ type: 'select', id });
}
