// Incident memory over a ControlStore (every Agent's workers, on SQLite or Postgres; `memory --store`): the same logic as the engine's
// own file (store.ts), shared through record.ts, on the store's memory methods. Every replica remembers what it
// settles, catches up on what a person settled from the CLI, and recalls from the one shared table, so "last
// time" for an alert is the team's, whichever replica settled it.
import type { ControlStore } from '../../control/store/types';
import type { AlertRequest } from '../../control/workflow/request';
import type { RecalledIncident } from '../../planning/context';
import { alertnameOf, isRemembered, memoryOfRecord, PLAN_CATCH_UP, planningLines, planRecallOptions, RECALL_CANDIDATES, recallAmong, type RecallOptions, type RecalledMemory } from './record';

/**
 * Remembers one workflow of the store if it is settled and not forgotten. Idempotent, also across replicas: the
 * row is upserted on the workflow id, and a forgotten workflow is refused by the store in the save's transaction.
 * Returns the memory id, or null when there is nothing to remember.
 */
export async function rememberWorkflowInStore(store: ControlStore, workflowId: string, now = Date.now()): Promise<string | null> {
  const view = await store.view(workflowId);
  if (!isRemembered(view)) return null;
  const [events, calls, snapshot] = await Promise.all([store.events(workflowId), store.toolCalls(workflowId), store.snapshot(workflowId)]);
  const memory = memoryOfRecord(view, events, calls, snapshot);
  return memory ? store.saveMemory(view.workspace, memory, now) : null;
}

/** As store.ts catchUp: settled workflows without a memory for their current state (of a workspace, or all: null), never forgotten ones. */
export async function catchUpInStore(store: ControlStore, workspace: string | null, limit = 20, now = Date.now()): Promise<number> {
  let n = 0;
  for (const id of await store.settledWithoutMemory(workspace, limit)) if ((await rememberWorkflowInStore(store, id, now)) !== null) n++;
  return n;
}

/** Earlier incidents of the same alert in one workspace, best first. */
export async function recallForInStore(store: ControlStore, workspace: string, request: Pick<AlertRequest, 'labels' | 'title'>, options: RecallOptions = {}): Promise<RecalledMemory[]> {
  return recallAmong(await store.memoriesFor(workspace, alertnameOf(request), RECALL_CANDIDATES), request, options);
}

/**
 * "Last time" for a planner (PlanningContext.recall of an Agent): catch-up first, then the same
 * alert's earlier incidents in this workspace. Never throws: a memory that cannot be read never stops a plan.
 */
export async function recallForPlanningInStore(store: ControlStore, workspace: string, request: AlertRequest, workflowId: string, now = Date.now(), log?: (message: string) => void): Promise<RecalledIncident[]> {
  try {
    await catchUpInStore(store, workspace, PLAN_CATCH_UP, now);
  } catch (error) {
    log?.(`incident memory catch-up: ${(error as Error).message}`);
  }
  try {
    return planningLines(await recallForInStore(store, workspace, request, planRecallOptions(workflowId)), now);
  } catch (error) {
    log?.(`incident memory for ${workflowId}: ${(error as Error).message}`);
    return [];
  }
}
