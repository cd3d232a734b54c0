/** The workflow list: a listbox with one roving tab stop; arrows move, Enter or a click opens. */
import type { WorkflowItem } from '../../protocol/agent';
import { button, el, srOnly } from '../dom';
import { formatAge } from '../format';
import { stateLabel, toneOf } from '../stateStrip';
import { select } from '../receive';
import type { Context } from '../store';
import { ATTENTION_LABEL, attentionOf, moveCursor, newestFirst } from '../workflowList';

const rowId = (id: string) => `wf-${id}`;

export function workflowList(ctx: Context): HTMLElement {
  const { workflows, listError, restoring } = ctx.state;
  const body = listError
    ? el('div', { class: 'banner error', role: 'alert' }, [`Could not load workflows: ${listError} `, button('Retry', () => ctx.send({ type: 'refresh' }), { class: 'secondary' })])
    : restoring && !workflows?.length
      ? el('p', { class: 'muted', role: 'status', 'data-testid': 'restoring' }, ['Restoring…'])
      : !workflows
        ? el('p', { class: 'muted' }, ['Loading workflows…'])
        : workflows.length === 0
          ? emptyList(ctx)
          : listbox(ctx, newestFirst(workflows));
  return el('nav', { class: 'workflows', 'aria-labelledby': 'list-title' }, [el('h2', { id: 'list-title' }, ['Workflows']), body, archivedToggle(ctx)]);
}

function emptyList(ctx: Context): HTMLElement {
  return el('div', { class: 'empty' }, [
    el('p', {}, [ctx.state.showArchived ? 'No workflows.' : 'No workflows yet. Triage an alert, and its plan, approvals and trace appear here.']),
    button('Triage an Alert…', () => ctx.send({ type: 'runCommand', command: 'runbookAgent.triageAlert' })),
  ]);
}

/** Archived workflows are hidden until asked for. */
function archivedToggle(ctx: Context): HTMLElement {
  const box = el('input', { type: 'checkbox', id: 'show-archived' });
  box.checked = ctx.state.showArchived;
  box.addEventListener('change', () => {
    ctx.update((state) => (state.showArchived = box.checked));
    ctx.send({ type: 'showArchived', show: box.checked });
  });
  return el('p', { class: 'muted list-options' }, [box, ' ', el('label', { for: 'show-archived' }, ['Show archived'])]);
}

function listbox(ctx: Context, items: WorkflowItem[]): HTMLElement {
  const { selectedId } = ctx.state;
  const cursor = items.find((w) => w.id === ctx.state.cursorId) ?? items.find((w) => w.id === selectedId) ?? items[0]!;
  const list = el('ul', { role: 'listbox', 'aria-label': 'Workflows, newest first', class: 'workflow-list' });
  const rows = items.map((item) => {
    const row = el('li', {
      role: 'option',
      id: rowId(item.id),
      class: `workflow-row${item.id === selectedId ? ' selected' : ''}`,
      'aria-selected': String(item.id === selectedId),
      tabindex: item === cursor ? '0' : '-1',
      'data-id': item.id,
    }, rowContent(ctx, item));
    row.addEventListener('click', () => open(ctx, item.id));
    return row;
  });
  list.append(...rows);
  list.addEventListener('keydown', (event) => {
    const at = rows.findIndex((row) => row === document.activeElement);
    if (at < 0) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      return open(ctx, items[at]!.id);
    }
    const next = moveCursor(at, event.key, rows.length);
    if (next === undefined) return;
    event.preventDefault();
    // Moving the tab stop needs no re-render: only two attributes and the focus change.
    rows[at]!.setAttribute('tabindex', '-1');
    rows[next]!.setAttribute('tabindex', '0');
    rows[next]!.focus();
    ctx.state.cursorId = items[next]!.id;
  });
  return list;
}

function rowContent(ctx: Context, item: WorkflowItem): Array<Node | string | null> {
  const attention = attentionOf(item);
  return [
    el('span', { class: 'row-title' }, [item.title]),
    el('span', { class: 'row-meta' }, [
      el('span', { class: `badge state tone-${toneOf(item.state)}` }, [stateLabel(item.state)]),
      attention ? el('span', { class: `badge marker ${attention}` }, [ATTENTION_LABEL[attention]]) : null,
      item.archived ? el('span', { class: 'badge phase' }, ['archived']) : null,
      el('span', { class: 'muted' }, [`${item.stepIndex}/${item.stepCount} steps`]),
      el('span', { class: 'muted' }, [srOnly('created '), formatAge(item.createdAt, ctx.now)]),
    ]),
  ];
}

function open(ctx: Context, id: string): void {
  ctx.update((state) => {
    select(state, id);
    state.cursorId = id;
  });
  ctx.send({ type: 'select', id });
}
