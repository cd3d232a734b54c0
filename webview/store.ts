/** What the panel knows and what the person has typed but not sent; one object, rendered from scratch. */
import type { WorkflowItem, WorkflowPanelView } from '../protocol/agent';
import type { CheckIn, Health } from '../protocol/engine';
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

export interface PanelState {
  health?: Health;
  checkIn?: CheckIn;
  error?: string;
  workflows?: WorkflowItem[];
  pendingApprovals: number;
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
  answer: { key: string; value: string } | undefined;
  engineOpen: boolean;
  /** The check-in note as typed; kept so a live refresh does not reset it. */
  note: string;
  /** Steps whose output is expanded, by workflow and step id. */
  openOutputs: Set<string>;
}

export function initialState(selectedId: string | null): PanelState {
  return { pendingApprovals: 0, selectedId, cursorId: selectedId, busy: false, answer: undefined, engineOpen: false, note: 'hello from the panel', openOutputs: new Set() };
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
