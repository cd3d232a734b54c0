/** The panel's front end. It talks only to the extension host, with messages validated on arrival. */
import { z } from 'zod';
import { describeIssues } from '../protocol/define';
import { ToWebview, type FromWebview } from '../protocol/webview';
import { el } from './dom';
import { captureFocus, restoreFocus, type FocusMark } from './focus';
import { holdRendersWhilePressed } from './pressHold';
import { receive } from './receive';
import { initialState, type Context } from './store';
import { APPROVAL_TITLE_ID } from './views/approval';
import { engineSection } from './views/engine';
import { banners, header } from './views/header';
import { workflowList } from './views/list';
import { ANSWER_ID, CHECKLIST_NOTE_ID } from './views/waiting';
import { TITLE_ID, workflowPane } from './views/workflow';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

/** What survives a window reload (VS Code keeps it with the panel): which workflow was open. */
const Saved = z.object({ selectedId: z.string().min(1).max(100).nullable() });
const saved = Saved.safeParse(vscode.getState());
const state = initialState(saved.success ? saved.data.selectedId : null);

function send(message: FromWebview): void {
  vscode.postMessage(message);
}

const ctx: Context = {
  state,
  now: Date.now(),
  update(change) {
    change(state);
    render();
  },
  send,
  focus(id) {
    document.getElementById(id)?.focus();
  },
};

let lastCard: string | undefined;
/** Where the focus was, and which card showed, when the panel re-rendered without the focus. */
let away: { mark: FocusMark | undefined; card: string | undefined } | undefined;

function render(): void {
  const focused = document.hasFocus();
  const mark = captureFocus(app);
  const wasInWorkflow = Boolean(document.activeElement?.closest('[data-testid="workflow"]'));
  ctx.now = Date.now();
  const parts = [header(ctx), ...banners(ctx), el('div', { class: 'layout' }, [workflowList(ctx), workflowPane(ctx)]), engineSection(ctx)];
  app.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  vscode.setState({ selectedId: state.selectedId });
  const waiting = state.view?.waiting;
  const card = waiting ? `${state.view!.workflow.id}:${waiting.kind}:${waiting.stepId}` : undefined;
  if (!focused) {
    // Focusing an element of a panel that does not have the focus takes it from the workbench, which closes the
    // quick pick or palette the person is typing in. The focus is put back when the panel gets it again.
    away = { mark: away?.mark ?? mark, card: away ? away.card : lastCard };
  } else if (mark && !restoreFocus(app, mark) && wasInWorkflow) {
    // A card that went away (approved, answered) takes the focus with it; the next card, or else the
    // workflow's title, catches it, so a keyboard user goes on where the work is.
    focusWork();
  } else if (card && card !== lastCard && document.activeElement?.id === TITLE_ID) {
    // A card that appears later (the engine ran the step in between) takes the focus from the title.
    focusWork();
  }
  lastCard = card;
}

// Back in the panel by keyboard (a key showed it, a quick pick closed): where the person was, unless the card
// changed meanwhile (approved from the palette, say), and then where the work is now. Back by a click: where it
// clicked, without scrolling to a card (the pointer comes down before the window gets the focus).
let pointerAt = 0;
window.addEventListener('pointerdown', () => (pointerAt = Date.now()), true);
window.addEventListener('focus', () => {
  if (!away) return;
  const { mark, card } = away;
  away = undefined;
  if (Date.now() - pointerAt < 1000) return;
  if (mark && card === lastCard && restoreFocus(app, mark)) return;
  if (mark || card !== lastCard) focusWork();
});

function focusWork(): void {
  (document.getElementById(ANSWER_ID) ?? document.getElementById(CHECKLIST_NOTE_ID) ?? document.getElementById(APPROVAL_TITLE_ID) ?? document.getElementById(TITLE_ID))?.focus();
}

// What the person does renders at once (ctx.update); what arrives from outside waits for a press to end.
const renderFromOutside = holdRendersWhilePressed(window, render);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = ToWebview.safeParse(event.data);
  if (!parsed.success) {
    state.error = `ignored a malformed message from the extension: ${describeIssues(parsed.error)}`;
    return renderFromOutside();
  }
  const next = receive(state, parsed.data);
  renderFromOutside();
  if (next) send(next);
});

/**
 * Nothing changes in the engine while a workflow waits for a person, yet its open spans and ages grow; a slow
 * tick redraws them. It skips while a field is being typed in, so the caret never jumps.
 */
const TICK_MS = 15_000;
setInterval(() => {
  const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement;
  if (!typing && state.view?.spans.some((s) => s.endMs === null)) renderFromOutside();
}, TICK_MS);

render();
send(state.selectedId ? { type: 'ready', selectedId: state.selectedId } : { type: 'ready' });
