/** The selected workflow: what a person must do first, then where it stands, the alert, the plan and the evidence. */
import type { WorkflowPanelView } from '../../protocol/agent';
import { button, el } from '../dom';
import { formatAge, plural } from '../format';
import { stateLabel, stripOf, toneOf } from '../stateStrip';
import type { Context } from '../store';
import { act } from './approval';
import { lastTimeView } from './lastTime';
import { planView } from './plan';
import { sourcesView } from './sources';
import { summaryView } from './summary';
import { traceView } from './trace';
import { waitingCard } from './waiting';

export const TITLE_ID = 'workflow-title';

export function workflowPane(ctx: Context): HTMLElement {
  const { selectedId, view, viewError } = ctx.state;
  const pane = el('section', { class: 'workflow', 'aria-labelledby': TITLE_ID, 'data-testid': 'workflow' });
  if (!selectedId) {
    pane.append(el('h2', { id: TITLE_ID, tabindex: '-1' }, ['No workflow selected']), el('p', { class: 'muted' }, ['Choose a workflow in the list to see its plan, approvals and trace.']));
  } else if (viewError && !view) {
    pane.append(el('h2', { id: TITLE_ID, tabindex: '-1' }, ['Workflow unavailable']), el('div', { class: 'banner error', role: 'alert' }, [viewError]));
  } else if (!view || view.workflow.id !== selectedId) {
    pane.append(el('h2', { id: TITLE_ID, tabindex: '-1' }, ['Loading the workflow…']));
  } else {
    pane.append(...workflowView(ctx, view));
  }
  return pane;
}

function workflowView(ctx: Context, view: WorkflowPanelView): Array<HTMLElement> {
  const w = view.workflow;
  const card = waitingCard(ctx, view);
  return [
    el('header', { class: 'workflow-header' }, [
      el('h2', { id: TITLE_ID, tabindex: '-1' }, [w.title]),
      el('p', { class: 'muted meta' }, [
        el('span', { class: `badge state tone-${toneOf(w.state)}` }, [stateLabel(w.state)]),
        w.archived ? el('span', { class: 'badge phase' }, ['archived']) : null,
        ` ${w.stepIndex}/${plural(w.stepCount, 'step')} · created ${formatAge(w.createdAt, ctx.now)} · tier ${view.tier} · `,
        el('code', {}, [w.id]),
      ]),
      // While a card is up it says what the workflow waits for, more fully than the one-line reason.
      w.reason && !card ? el('p', { class: 'reason' }, [w.reason]) : null,
      workflowActions(ctx, view),
    ]),
    ctx.state.viewError ? el('div', { class: 'banner error', role: 'alert' }, [ctx.state.viewError]) : null,
    // A card shows a refused action beside its own buttons; otherwise (cancel, retry, archive) it shows here.
    ctx.state.actionError && !card ? el('div', { class: 'banner error', role: 'alert', 'data-testid': 'action-error' }, [ctx.state.actionError]) : null,
    summaryView(ctx, view),
    lastTimeView(ctx, view),
    card,
    stateStrip(view),
    alertView(view),
    planView(ctx, view),
    sourcesView(ctx, view),
    traceView(ctx, view),
  ].filter((part): part is HTMLElement => part !== null);
}

const CANCELLABLE = ['WAITING_FOR_PERSON', 'VALIDATING', 'ESCALATED', 'FAILED'];
const SETTLED = ['COMPLETED', 'ESCALATED', 'CANCELLED'];
const CANCEL_ID = 'cancel-workflow';

/** Cancel (with a confirm and an optional note) and Archive: what a person may do to the workflow as a whole. */
function workflowActions(ctx: Context, view: WorkflowPanelView): HTMLElement | null {
  const w = view.workflow;
  const key = `${w.id}:cancel`;
  const confirm = ctx.state.confirm?.key === key ? ctx.state.confirm : undefined;
  if (confirm) {
    const note = el('textarea', { id: 'cancel-note', rows: '2', maxlength: '2000' });
    note.value = confirm.note;
    note.addEventListener('input', () => (confirm.note = note.value));
    const form = el('form', { class: 'inline-form', 'aria-label': 'Cancel this workflow' }, [
      el('label', { for: 'cancel-note' }, ['Cancel this workflow? Nothing more runs. Note (optional):']),
      note,
      el('div', { class: 'actions' }, [
        el('button', { type: 'submit', disabled: ctx.state.busy ? '' : undefined, title: 'Cancel workflow (Ctrl+Enter)' }, ['Cancel workflow']),
        button('Keep it', () => {
          ctx.update((state) => (state.confirm = undefined));
          ctx.focus(CANCEL_ID);
        }, { class: 'secondary' }),
      ]),
    ]);
    note.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act(ctx, { type: 'cancel', id: w.id, note: confirm.note.trim() });
    });
    return form;
  }
  const buttons = [
    CANCELLABLE.includes(w.state)
      ? button('Cancel workflow…', () => {
          ctx.update((state) => {
            state.confirm = { key, kind: 'cancel', note: '' };
            state.actionError = undefined;
          });
          ctx.focus('cancel-note');
        }, { class: 'secondary', id: CANCEL_ID })
      : null,
    SETTLED.includes(w.state) && !w.archived
      ? button('Archive', () => act(ctx, { type: 'archive', id: w.id }), { class: 'secondary', id: 'archive-workflow', disabled: ctx.state.busy ? '' : undefined, title: 'Hide it from the list; its events stay in the log' })
      : null,
  ].filter((b): b is HTMLButtonElement => b !== null);
  return buttons.length ? el('div', { class: 'actions workflow-actions' }, buttons) : null;
}

function stateStrip(view: WorkflowPanelView): HTMLElement {
  const items = stripOf(view.states, view.workflow.state).map((item) =>
    el('li', { class: `strip-state tone-${item.tone}${item.current ? ' current' : ''}`, 'aria-current': item.current ? 'step' : undefined }, [stateLabel(item.state)]),
  );
  return el('ol', { class: 'state-strip', 'aria-label': `States; now ${stateLabel(view.workflow.state)}` }, items);
}

function alertView(view: WorkflowPanelView): HTMLElement {
  const { alert } = view;
  const labels = Object.entries(alert.labels);
  const annotations = Object.entries(alert.annotations);
  return el('section', { class: 'alert', 'aria-labelledby': 'alert-title' }, [
    el('h3', { id: 'alert-title' }, ['Alert']),
    el('p', { class: 'alert-title' }, [
      el('span', { class: `badge severity severity-${severityClass(alert.severity)}` }, [alert.severity]),
      ' ',
      el('strong', {}, [alert.title]),
      el('span', { class: 'muted' }, [` from ${alert.source}`]),
    ]),
    labels.length > 0
      ? el('ul', { class: 'chips', 'aria-label': 'Labels' }, labels.map(([k, v]) => el('li', { class: 'chip' }, [el('span', { class: 'chip-key' }, [k]), '=', v])))
      : null,
    annotations.length > 0 ? el('dl', { class: 'facts' }, annotations.flatMap(([k, v]) => [el('dt', {}, [k]), el('dd', {}, [v])])) : null,
    view.planSummary ? el('p', { class: 'summary' }, [view.planSummary]) : null,
  ]);
}

/** Severities are free text from the alert source; only the well-known ones get a colour. */
function severityClass(severity: string): string {
  const s = severity.toLowerCase();
  if (s === 'critical' || s === 'page' || s === 'error') return 'critical';
  if (s === 'warning' || s === 'warn') return 'warning';
  return 'info';
}
