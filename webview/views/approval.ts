/**
 * The approval card: the exact command, why it is a write, why policy wants a person, where it came from,
 * and Approve / Reject / Edit. Approve carries the input hash the card showed, so it cannot approve a
 * command that changed after the person read it.
 */
import type { WorkflowPanelView } from '../../protocol/agent';
import type { Waiting } from '../../protocol/workflow';
import { SourceRef } from '../../protocol/webview';
import { button, el, submitOnCtrlEnter } from '../dom';
import type { CardDraft, Context } from '../store';
import { sourceLink } from './plan';

type Approval = Extract<Waiting, { kind: 'approval' }>;

export const APPROVE_ID = 'approve-button';
export const APPROVAL_TITLE_ID = 'approval-title';
const REJECT_ID = 'reject-button';
const EDIT_ID = 'edit-button';
const REASON_ID = 'reject-reason';
const COMMAND_ID = 'edit-command';

export function approvalCard(ctx: Context, view: WorkflowPanelView, w: Approval): HTMLElement {
  const draft = draftFor(ctx, `${view.workflow.id}:${w.stepId}:${w.inputHash}`, w.describe);
  const blocked = view.executionBlocked;
  const source = SourceRef.safeParse(w.source);
  // The engine marks the step held when it was gated; once the tier allows writes, an approval runs it.
  const held = w.held && view.tier === 'read-only';
  return el('section', { class: `card approval${held ? ' held' : ''}`, 'aria-labelledby': 'approval-title', 'data-testid': 'approval' }, [
    el('h3', { id: APPROVAL_TITLE_ID, tabindex: '-1' }, [held ? 'Held: writes are off in this workspace' : 'Approval needed']),
    el('p', { class: 'muted' }, [
      `Step ${w.stepIndex + 1} · `,
      el('code', {}, [w.stepId]),
      ` · ${w.tool} · `,
      el('span', { class: `badge risk risk-${w.risk}` }, [w.risk]),
    ]),
    el('pre', { class: 'command', 'aria-label': 'The exact command', 'data-testid': 'approval-command' }, [w.describe]),
    w.reasons.length > 0
      ? el('div', {}, [el('h4', {}, [`Why it is a ${w.risk}`]), el('ul', { class: 'reasons' }, w.reasons.map((r) => el('li', {}, [r])))])
      : null,
    el('p', {}, [el('strong', {}, ['Policy: ']), w.policy]),
    w.rationale ? el('p', { class: 'muted' }, [w.rationale]) : null,
    source.success ? sourceLink(ctx, view.workflow.workspace, source.data) : null,
    blocked ? blockedNote(ctx, blocked) : null,
    held ? heldNote(ctx, view, blocked !== null) : null,
    ctx.state.actionError ? el('div', { class: 'banner error', role: 'alert' }, [ctx.state.actionError]) : null,
    draft.mode === 'reject' ? rejectForm(ctx, view, w, draft) : draft.mode === 'edit' ? editForm(ctx, view, w, draft, blocked) : actions(ctx, view, w, draft, blocked, held),
  ]);
}

/** The draft survives live re-renders; a new input (edit, re-plan) starts a fresh one. */
function draftFor(ctx: Context, key: string, command: string): CardDraft {
  if (ctx.state.card?.key !== key) ctx.state.card = { key, mode: 'idle', reason: '', command, invalid: false };
  return ctx.state.card;
}

function blockedNote(ctx: Context, message: string): HTMLElement {
  return el('div', { class: 'banner', role: 'note', 'data-testid': 'execution-blocked' }, [
    `${message} Approve and Edit stay off until the workspace is trusted. `,
    button('Manage Workspace Trust', () => ctx.send({ type: 'runCommand', command: 'workbench.trust.manage' }), { class: 'secondary' }),
  ]);
}

function heldNote(ctx: Context, view: WorkflowPanelView, blocked: boolean): HTMLElement {
  return el('div', { class: 'banner', role: 'note', 'data-testid': 'held' }, [
    el('p', {}, [
      `This workspace's tier is ${view.tier}, so no write runs here, approved or not. `,
      'With approved writes, every write still waits for you on this card.',
    ]),
    button('Switch to approved writes', () => act(ctx, { type: 'setTier', id: view.workflow.id, tier: 'approved-writes' }), { disabled: ctx.state.busy || blocked ? '' : undefined }),
  ]);
}

function actions(ctx: Context, view: WorkflowPanelView, w: Approval, draft: CardDraft, blocked: string | null, held: boolean): HTMLElement {
  const off = (extra: boolean) => (ctx.state.busy || extra ? '' : undefined);
  return el('div', { class: 'actions' }, [
    held
      ? null
      : button('Approve', () => act(ctx, { type: 'approve', id: view.workflow.id, stepId: w.stepId, inputHash: w.inputHash }), {
          id: APPROVE_ID,
          disabled: off(blocked !== null),
          'aria-describedby': 'approval-title',
        }),
    button('Reject…', () => mode(ctx, draft, 'reject', REASON_ID), { id: REJECT_ID, class: 'secondary', disabled: off(false) }),
    button('Edit…', () => mode(ctx, draft, 'edit', COMMAND_ID), { id: EDIT_ID, class: 'secondary', disabled: off(blocked !== null) }),
  ]);
}

function rejectForm(ctx: Context, view: WorkflowPanelView, w: Approval, draft: CardDraft): HTMLElement {
  // aria-required, not required: the browser's own validation bubble would hide our message and skip the handler.
  const reason = el('textarea', { id: REASON_ID, rows: '2', maxlength: '2000', 'aria-required': 'true', 'aria-invalid': String(draft.invalid), 'aria-describedby': draft.invalid ? 'reason-error' : undefined });
  reason.value = draft.reason;
  reason.addEventListener('input', () => (draft.reason = reason.value));
  submitOnCtrlEnter(reason, () => form.requestSubmit());
  const form = el('form', { class: 'inline-form', 'aria-label': 'Reject this step' }, [
    el('label', { for: REASON_ID }, ['Why reject this step? (required; it will not run, and the workflow goes on from the next step)']),
    reason,
    draft.invalid ? el('p', { id: 'reason-error', class: 'field-error', role: 'alert' }, ['A reason is required.']) : null,
    el('div', { class: 'actions' }, [
      el('button', { type: 'submit', disabled: ctx.state.busy ? '' : undefined, title: 'Reject step (Ctrl+Enter)' }, ['Reject step']),
      button('Cancel', () => mode(ctx, draft, 'idle', REJECT_ID), { class: 'secondary' }),
    ]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = draft.reason.trim();
    if (!text) {
      ctx.update(() => (draft.invalid = true));
      return ctx.focus(REASON_ID);
    }
    draft.invalid = false;
    act(ctx, { type: 'reject', id: view.workflow.id, stepId: w.stepId, reason: text });
  });
  return form;
}

function editForm(ctx: Context, view: WorkflowPanelView, w: Approval, draft: CardDraft, blocked: string | null): HTMLElement {
  const command = el('textarea', { id: COMMAND_ID, rows: '4', maxlength: '20000', spellcheck: 'false', class: 'code' });
  command.value = draft.command;
  command.addEventListener('input', () => (draft.command = command.value));
  submitOnCtrlEnter(command, () => form.requestSubmit());
  const form = el('form', { class: 'inline-form', 'aria-label': 'Edit the command' }, [
    el('label', { for: COMMAND_ID }, ['Command']),
    command,
    el('p', { class: 'muted' }, ['The engine classifies the edited command again and checks policy; nothing runs until it is approved.']),
    el('div', { class: 'actions' }, [
      el('button', { type: 'submit', disabled: ctx.state.busy || blocked !== null ? '' : undefined }, ['Save edit']),
      button('Cancel', () => mode(ctx, draft, 'idle', EDIT_ID), { class: 'secondary' }),
    ]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = draft.command.trim();
    if (text) act(ctx, { type: 'edit', id: view.workflow.id, stepId: w.stepId, command: text });
  });
  return form;
}

function mode(ctx: Context, draft: CardDraft, next: CardDraft['mode'], focusId: string): void {
  ctx.update((state) => {
    draft.mode = next;
    draft.invalid = false;
    state.actionError = undefined;
  });
  ctx.focus(focusId);
}

/** Sends an action once: the buttons stay disabled until the engine answers with a view or an error. */
export function act(ctx: Context, message: Parameters<Context['send']>[0]): void {
  if (ctx.state.busy) return;
  ctx.update((state) => {
    state.busy = true;
    state.actionError = undefined;
    state.confirm = undefined;
  });
  ctx.send(message);
}
