import { decide } from '../policy/gate';
import { loadWorkspacePolicy } from '../policy/load';
import type { UserPolicy } from '../policy/schema';
import { getTier } from '../policy/tiers';
import type { Db } from '../db/open';
import type { PolicyCall, PolicyDecision } from '../workflow/orchestrator';

/**
 * The gate as the orchestrator calls it, for one workspace. The tier (from the user's database) and the
 * workspace file are read at every call, so a switch or an edit applies to the next step; a workspace file
 * that does not parse denies everything until it is fixed, rather than being skipped.
 */
export function workspaceGate(db: Db, workspace: string, user: UserPolicy | undefined): (call: PolicyCall) => PolicyDecision {
  return (call) => {
    let ws;
    try {
      ws = loadWorkspacePolicy(workspace);
    } catch (error) {
      return { action: 'deny', reason: (error as Error).message, by: 'workspace policy file' };
    }
    return decide({ tool: call.tool.name, risk: call.risk, input: call.input }, { tier: getTier(db, workspace), user, workspace: ws });
  };
}
