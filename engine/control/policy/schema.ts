import { z } from 'zod';
import { PolicyRule, Tier, UserPolicy } from '../../../protocol/agent';

/**
 * Capability tiers a person sees and switches per workspace (the enum lives in protocol/agent.ts):
 * - read-only: reads run on their own, writes are held (the default for a workspace seen the first time);
 * - approved-writes: writes wait for a person's approval;
 * - auto-approve: writes matching one of the *user's* allow rules run without asking; other writes wait.
 */
export { Tier };
export const DEFAULT_TIER: Tier = 'read-only';

export const Rule = PolicyRule;
export type Rule = PolicyRule;

export { UserPolicy };

/**
 * `.runbook-agent/policy.json` in the workspace. A cloned repository must not approve its own commands, so
 * only what tightens is honoured: deny and escalate rules, approveReads, and a lower maxTier. Allow rules are
 * reported and ignored.
 */
export const WorkspacePolicy = z
  .object({
    rules: z.array(Rule).max(500).default([]),
    approveReads: z.boolean().default(false),
    maxTier: Tier.optional(),
  })
  .strict();
export type WorkspacePolicy = z.infer<typeof WorkspacePolicy>;

export const WORKSPACE_POLICY_FILE = '.runbook-agent/policy.json';

/**
 * allow: run now; approve: wait for a person's approval; hold: wait for a person, but no approval runs it until
 * the tier changes (read-only); deny: never run (a policy violation, never retried).
 */
export const Decision = z.object({
  action: z.enum(['allow', 'approve', 'hold', 'deny']),
  reason: z.string(),
  /** Which rule or tier decided, e.g. "user rule 2", "workspace rule 1", "tier read-only". */
  by: z.string(),
});
export type Decision = z.infer<typeof Decision>;
