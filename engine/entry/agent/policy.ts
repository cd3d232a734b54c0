import { decide } from '../../control/policy/gate';
import { loadWorkspacePolicy } from '../../control/policy/load';
import type { Tier, UserPolicy } from '../../control/policy/schema';
import { sandboxStatus, type SandboxStatus } from '../../execution/sandbox';
import { TOOL } from '../../execution/tools/names';
import type { PolicyCall, PolicyDecision } from '../../control/workflow/orchestrator';

/**
 * The gate as the orchestrator calls it, for one workspace. The tier (read from the control store by the
 * orchestrator before each action, so every replica of `serve --store` sees the same) and the workspace file are
 * read at every call, so a switch or an edit applies to the next step; a workspace file that does not parse
 * denies everything until it is fixed, rather than being skipped.
 */
export function workspaceGate(workspace: string, user: UserPolicy | undefined, sandbox: SandboxRequirement = {}): (call: PolicyCall, tier: Tier) => PolicyDecision {
  return (call, tier) => {
    let ws;
    try {
      ws = loadWorkspacePolicy(workspace);
    } catch (error) {
      return { action: 'deny', reason: (error as Error).message, by: 'workspace policy file' };
    }
    const decision = decide({ tool: call.tool.name, risk: call.risk, input: call.input }, { tier, user, workspace: ws });
    return requireSandbox(decision, call, sandbox);
  };
}

/** runbookAgent.sandbox.requireForReads (CLI: --require-sandbox). */
export interface SandboxRequirement {
  /** Shell reads run on their own only inside the sandbox; without one they wait for a person. */
  readonly requireForReads?: boolean;
  /** The probe (engine/execution/sandbox); tests pass their own. */
  readonly status?: () => SandboxStatus;
}

/**
 * A shell read the gate would auto-run, on a machine without the sandbox, while the user requires it: a
 * person approves it instead (it then runs unconfined, like an approved write). Anything the gate already
 * holds, denies or sends for approval keeps its own reason.
 */
function requireSandbox(decision: PolicyDecision, call: PolicyCall, sandbox: SandboxRequirement): PolicyDecision {
  if (!sandbox.requireForReads || decision.action !== 'allow' || call.risk !== 'read' || call.tool.name !== TOOL.shell) return decision;
  const status = (sandbox.status ?? sandboxStatus)();
  if (status.available) return decision;
  return {
    action: 'approve',
    reason: `no sandbox on this machine (${status.problem ?? 'unknown reason'}); runbookAgent.sandbox.requireForReads (CLI: --require-sandbox) is on`,
    by: 'sandbox.requireForReads',
  };
}
