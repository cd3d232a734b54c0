/** How each message from the extension changes what the panel knows. Pure: unit-tested without a DOM. */
import type { FromWebview, ToWebview } from '../protocol/webview';
import type { PanelState } from './store';
import { newestFirst } from './workflowList';

/** Applies `message` to `state`; returns what the webview must ask for next, if anything. */
export function receive(state: PanelState, message: ToWebview): FromWebview | undefined {
  switch (message.type) {
    case 'health':
      state.health = message.health;
      state.error = undefined;
      return;
    case 'error':
      state.error = message.message;
      return;
    case 'workflows': {
      state.workflows = message.workflows;
      state.pendingApprovals = message.pendingApprovals;
      state.needsPerson = message.needsPerson ?? message.pendingApprovals;
      state.listError = undefined;
      // An empty list right after a reload may only mean the engine is still starting: the restored view decides.
      if (message.workflows.length > 0 || state.selectedId === null) state.restoring = false;
      // With nothing chosen yet, the newest workflow is the one a person most likely came for.
      const newest = newestFirst(message.workflows)[0];
      if (state.selectedId !== null || !newest) return;
      select(state, newest.id);
      return { type: 'select', id: newest.id };
    }
    case 'listFailed':
      state.listError = message.message;
      state.restoring = false;
      return;
    case 'selected':
      select(state, message.id);
      if (message.id !== null && !state.workflows?.length) state.restoring = true;
      return;
    case 'view':
      // An answer for a workflow the person has since left would show the wrong one.
      if (message.view.workflow.id !== state.selectedId) return;
      state.view = message.view;
      state.viewError = undefined;
      state.busy = false;
      state.restoring = false;
      return;
    case 'viewFailed':
      if (message.id === state.selectedId) {
        state.viewError = message.message;
        state.restoring = false;
      }
      return;
    case 'actionFailed':
      state.busy = false;
      if (message.id === state.selectedId) state.actionError = message.message;
      return;
  }
}

/** Shows another workflow: what belonged to the previous one (its view, its errors, a pending action) goes. */
export function select(state: PanelState, id: string | null): void {
  if (state.selectedId === id) return;
  state.selectedId = id;
  state.cursorId = id ?? state.cursorId;
  state.view = undefined;
  state.viewError = undefined;
  state.actionError = undefined;
  state.confirm = undefined;
  state.busy = false;
}
