/**
 * "Last time": earlier incidents of the same alert (same alertname and identity labels) that settled before this
 * one fired, as the engine remembered them (engine/memory/incidents): when, how it ended, what ran, what fixed it, with a
 * link to that workflow, and Forget (after an inline confirm, like Cancel and Retry). Text only: what the engine
 * sends is never parsed as markup.
 */
import type { WorkflowPanelView } from '../../protocol/agent';
import type { LastTimeView } from '../../protocol/memory';
import { button, el } from '../dom';
import { formatAge } from '../format';
import { select } from '../receive';
import type { Context } from '../store';
import { act } from './approval';

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
          forgetControl(ctx, view, m),
        ]),
      ),
    ),
  ]);
}

/**
 * Forget…, then "Forget" or "Keep it". Forgetting deletes the memory (recall no longer finds it) and the event log
 * records who forgot it, never what it said; the earlier workflow itself stays. Allowed in Restricted Mode, as in
 * the CLI: it runs nothing.
 */
function forgetControl(ctx: Context, view: WorkflowPanelView, m: LastTimeView): HTMLElement {
  const key = `${view.workflow.id}:forget:${m.memoryId}`;
  const id = `forget-${m.memoryId}`;
  if (ctx.state.confirm?.key !== key) {
    return el('p', { class: 'muted small' }, [
      'Memory ',
      el('code', {}, [m.memoryId]),
      ' · ',
      button('Forget…', () => {
        ctx.update((state) => {
          state.confirm = { key, kind: 'forget', memoryId: m.memoryId, note: '' };
          state.actionError = undefined;
        });
        ctx.focus(`${id}-yes`);
      }, { class: 'link small', id, 'aria-label': `Forget the memory of ${m.title} (${m.memoryId})…`, 'data-testid': 'last-time-forget' }),
    ]);
  }
  return el('div', { class: 'step-actions confirm', role: 'group', 'aria-label': `Forget the memory of ${m.title}?`, 'data-testid': 'last-time-confirm' }, [
    el('span', {}, ['Forget this incident? It is no longer recalled here or in plans; the event log records that you forgot it, never what it said. Workflow ', el('code', {}, [m.workflowId]), ' itself stays.']),
    button('Forget', () => act(ctx, { type: 'forgetMemory', id: view.workflow.id, memoryId: m.memoryId }), { id: `${id}-yes`, disabled: ctx.state.busy ? '' : undefined }),
    button('Keep it', () => {
      ctx.update((state) => (state.confirm = undefined));
      ctx.focus(id);
    }, { class: 'secondary' }),
  ]);
}

function open(ctx: Context, id: string): void {
  ctx.update((state) => {
    select(state, id);
    state.cursorId = id;
  });
  ctx.send({ type: 'select', id });
}
