import { z } from 'zod';

/**
 * Capability tiers a person sees and switches per workspace:
 * - read-only: reads run on their own, writes are refused (the default for a workspace seen the first time);
 * - approved-writes: writes wait for a person's approval;
 * - auto-approve: writes matching one of the *user's* allow rules run without asking; other writes wait.
 */
export const Tier = z.enum(['read-only', 'approved-writes', 'auto-approve']);
export type Tier = z.infer<typeof Tier>;
export const DEFAULT_TIER: Tier = 'read-only';

export const RuleAction = z.enum(['allow', 'deny', 'escalate']);
export type RuleAction = z.infer<typeof RuleAction>;

const Pattern = z.string().min(1).max(500);

/**
 * One rule. Every field given must match. `command`, `host` and `path` are globs (`*` any text, `?` one
 * character). A deny or escalate `command` glob matches anywhere in the command; an allow glob must match
 * the whole command, and never applies to a command with shell syntax in it (`;`, `|`, `&`, `$`, backticks,
 * redirections, newlines), so `gzip *` cannot approve `gzip x; rm -rf /`.
 */
export const Rule = z
  .object({
    action: RuleAction,
    tool: z.string().min(1).max(100).optional(),
    risk: z.enum(['read', 'write']).optional(),
    command: Pattern.optional(),
    host: Pattern.optional(),
    path: Pattern.optional(),
    /** Shown to the person when the rule decides. */
    reason: z.string().max(500).optional(),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

/** From the user's settings (application scope) or `--user-policy FILE`: may widen and narrow. */
export const UserPolicy = z
  .object({
    rules: z.array(Rule).max(500).default([]),
    /** Ask before reads too. */
    approveReads: z.boolean().default(false),
  })
  .strict();
export type UserPolicy = z.infer<typeof UserPolicy>;

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
