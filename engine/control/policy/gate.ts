import { TOOL } from '../../execution/tools/names';
import { globToRegExp } from './glob';
import { commandWords, wordsContain, wordsEqual } from './words';
import { DEFAULT_TIER, type Decision, type Rule, type Tier, type UserPolicy, type WorkspacePolicy } from './schema';

/** One tool call as the gate sees it: the effective input, after answers and edits are applied. */
export interface CallFacts {
  readonly tool: string;
  readonly risk: 'read' | 'write';
  readonly input: unknown;
}

export interface GateConfig {
  readonly tier?: Tier;
  readonly user?: UserPolicy;
  readonly workspace?: WorkspacePolicy;
}

const TIER_ORDER: readonly Tier[] = ['read-only', 'approved-writes', 'auto-approve'];

/** The tier in force: the person's choice, lowered by the workspace's maxTier, never raised by it. */
export function effectiveTier(config: GateConfig): Tier {
  const chosen = config.tier ?? DEFAULT_TIER;
  const max = config.workspace?.maxTier;
  return max && TIER_ORDER.indexOf(max) < TIER_ORDER.indexOf(chosen) ? max : chosen;
}

/**
 * The policy gate. Order: deny rules (user, then workspace) > the read-only tier holds writes > escalate rules >
 * the user's allow rules (auto-approve tier, writes only) > every write waits for a person > reads run unless
 * either side asks to approve reads. The workspace can only tighten; the kill switches and budgets are checked
 * by the orchestrator before this.
 */
export function decide(call: CallFacts, config: GateConfig): Decision {
  const user = config.user?.rules ?? [];
  const workspace = config.workspace?.rules ?? [];
  const tier = effectiveTier(config);
  const hit = (rules: readonly Rule[], action: Rule['action'], side: string) => {
    const i = rules.findIndex((r) => r.action === action && matches(r, call));
    return i < 0 ? null : { rule: rules[i]!, by: `${side} rule ${i + 1}` };
  };
  const denied = hit(user, 'deny', 'user') ?? hit(workspace, 'deny', 'workspace');
  if (denied) return { action: 'deny', reason: denied.rule.reason ?? `matches a deny rule (${denied.by})`, by: denied.by };
  if (call.risk === 'write' && tier === 'read-only') {
    // Held, not denied: after the person switches the tier, the same workflow goes on from this step.
    return {
      action: 'hold',
      reason: "this workspace's tier is read-only, so writes do not run; switch it to 'approved-writes' to approve this one",
      by: 'tier read-only',
    };
  }
  const escalated = hit(user, 'escalate', 'user') ?? hit(workspace, 'escalate', 'workspace');
  if (escalated) return { action: 'approve', reason: escalated.rule.reason ?? `matches an escalate rule (${escalated.by})`, by: escalated.by };
  if (call.risk === 'write') {
    const allowed = tier === 'auto-approve' ? hit(user, 'allow', 'user') : null;
    if (allowed) return { action: 'allow', reason: allowed.rule.reason ?? `auto-approved by ${allowed.by}`, by: allowed.by };
    return { action: 'approve', reason: 'a write always waits for a person', by: `tier ${tier}` };
  }
  if (config.user?.approveReads || config.workspace?.approveReads) {
    return { action: 'approve', reason: 'reads need approval too (approveReads)', by: config.user?.approveReads ? 'user approveReads' : 'workspace approveReads' };
  }
  return { action: 'allow', reason: 'read-only call', by: `tier ${tier}` };
}

function matches(rule: Rule, call: CallFacts): boolean {
  if (rule.tool !== undefined && rule.tool !== call.tool) return false;
  if (rule.risk !== undefined && rule.risk !== call.risk) return false;
  if (rule.command !== undefined) {
    const shell = field(call, 'command', TOOL.shell);
    const query = field(call, 'query', TOOL.promql);
    if (shell === null && query === null) return false;
    if (rule.action === 'allow') {
      // An allow rule must describe the whole command, word for word: `*` never spans an extra argument.
      if (shell === null || !wordsEqual(shell, rule.command)) return false;
    } else {
      // Deny and escalate match the words of any command in the text, and (stricter still) the raw text itself.
      const text = (shell ?? query)!;
      const commands = shell === null ? null : commandWords(shell);
      if (!(commands !== null && wordsContain(commands, rule.command)) && !globToRegExp(rule.command, true).test(text.trim())) return false;
    }
  }
  if (rule.host !== undefined) {
    const url = field(call, 'url', TOOL.http);
    const host = url === null ? null : hostOf(url);
    if (host === null || !globToRegExp(rule.host.toLowerCase()).test(host)) return false;
  }
  if (rule.path !== undefined) {
    const p = field(call, 'path', TOOL.readFile);
    if (p === null || !globToRegExp(rule.path).test(p)) return false;
  }
  return true;
}

function field(call: CallFacts, key: string, tool: string): string | null {
  if (call.tool !== tool || call.input === null || typeof call.input !== 'object') return null;
  const v = (call.input as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Allow rules the workspace file tried to add: ignored, and shown so nobody thinks they apply. */
export function ignoredWorkspaceRules(workspace: WorkspacePolicy | undefined): string[] {
  return (workspace?.rules ?? []).flatMap((r, i) => (r.action === 'allow' ? [`workspace rule ${i + 1} (allow) is ignored: only the user's settings may allow`] : []));
}
