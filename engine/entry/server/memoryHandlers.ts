import os from 'node:os';
import type { Connection } from 'vscode-languageserver/node';
import { forgetMemory as forgetMemoryRequest, listMemories as listMemoriesRequest } from '../../../protocol/memory';
import type { WorkflowPanelView } from '../../../protocol/agent';
import type { Db } from '../../control/db/open';
import { catchUp, forgetMemory, lastTimeViews, listMemories, memoryItem } from '../../memory/incidents/store';
import { handleRequest } from './rpc';

const by = () => `${os.userInfo().username} (VS Code)`;

/** Incident memory from the editor: list what is remembered, forget one (the event log records who and when). */
export function registerMemoryHandlers(connection: Connection, db: () => Db, changed: () => void): void {
  handleRequest(connection, listMemoriesRequest, ({ workspace, limit }) => {
    catchUp(db(), workspace ?? null, 50);
    return { memories: listMemories(db(), { workspace, limit }).map(memoryItem) };
  });

  handleRequest(connection, forgetMemoryRequest, ({ id }) => {
    const forgotten = forgetMemory(db(), id, by());
    changed();
    return forgotten;
  });
}

/** The panel view with "Last time": earlier incidents of the same alert settled before this workflow fired. */
export function withLastTime(db: Db, view: WorkflowPanelView): WorkflowPanelView {
  try {
    return { ...view, lastTime: lastTimeViews(db, view.workflow.id) };
  } catch {
    // A memory that cannot be read never hides the workflow.
    return view;
  }
}
