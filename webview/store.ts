/** What the panel knows and what the person has typed but not sent; one object, rendered from scratch. */
import type { WorkflowItem, WorkflowPanelView } from '../protocol/agent';
import type { Health } from '../protocol/engine';
import type { FromWebview } from '../protocol/webview';

/** A half-finished Reject or Edit on one approval card; tied to the exact input the card showed. */
export interface CardDraft {
  key: string;
  mode: 'idle' | 'reject' | 'edit';
  reason: string;
  command: string;
  /** Shown after Reject was pressed with no reason. */
  invalid: boolean;
}

/** A note typed on a card (checklist, resolution wait) or in a confirm (cancel), kept across live re-renders. */
export interface NoteDraft {
  key: string;
  note: string;
}

/** An action that asks "are you sure?" inline first: cancel the workflow, retry it from a step, forget a memory. */
export interface Confirm {
  key: string;
  kind: 'cancel' | 'retry' | 'forget';
  stepId?: string;
  /** The "Last time" memory to forget. */
  memoryId?: string;
  note: string;
}

export interface PanelState {
  health?: Health;
  error?: string;
  workflows?: WorkflowItem[];
  pendingApprovals: number;
  /** Workflows that wait for a person in any way (approvals, questions, checklist items, escalations). */
  needsPerson: number;
  /** The panel came back after a reload and has not heard from the engine yet: "Restoring…", not "No workflows". */
  restoring: boolean;
  /** The list shows archived workflows too. */
  showArchived: boolean;
  listError?: string;
  selectedId: string | null;
  /** The row the arrow keys are on; Enter opens it. */
  cursorId: string | null;
  view?: WorkflowPanelView;
  viewError?: string;
  /** An approve/reject/edit/answer is on its way: the card's buttons wait for the engine's answer. */
  busy: boolean;
  actionError?: string;
  card?: CardDraft;
  answer: { key: string; value: string; invalid?: string } | undefined;
  /** The note on the checklist card or the resolution card. */
  cardNote?: NoteDraft;
  confirm?: Confirm;
  engineOpen: boolean;
  /** Steps whose output is expanded, by workflow and step id. */
  openOutputs: Set<string>;
  /** The incident summary is unfolded; undefined: automatic (folded while a card waits, so the card stays in view). */
  summaryOpen?: boolean;
}

export function initialState(selectedId: string | null): PanelState {
  return {
    pendingApprovals: 0,
    needsPerson: 0,
    restoring: selectedId !== null,
    showArchived: false,
    selectedId,
    cursorId: selectedId,
    busy: false,
    answer: undefined,
    engineOpen: false,
    openOutputs: new Set(),
  };
}

/** What a view module may do: read the state, change it (then the panel re-renders), message the extension. */
export interface Context {
  readonly state: PanelState;
  update(change: (state: PanelState) => void): void;
  send(message: FromWebview): void;
  /** Moves the focus to the element with this id once the next render is done. */
  focus(id: string): void;
  /** The time spans and ages are measured against (ms since the epoch), fixed for one render. */
  now: number;
}
