/**
 * Workflows in the editor: what the extension asks the engine (triage, approve, …), what the panel shows,
 * and the notification that keeps every view live. Both sides import this; the webview gets these shapes
 * through protocol/webview.ts.
 */
import { z } from 'zod';
import { defineNotification, defineRequest } from './define';
import { KillSwitchName, Waiting, WorkflowState, WorkflowSummary } from './workflow';

const Id = z.string().min(1).max(100);
const Root = z.string().min(1).max(4096);

export const Tier = z.enum(['read-only', 'approved-writes', 'auto-approve']);
export type Tier = z.infer<typeof Tier>;

/** A workflow in lists (panel, tree view): the summary plus what a person must do. */
export const WorkflowItem = WorkflowSummary.extend({
  workspace: z.string(),
  /** The step waits for an approval (true) — the count behind the badges. */
  needsApproval: z.boolean(),
  /** The workflow waits for an answer to a question. */
  needsAnswer: z.boolean(),
});
export type WorkflowItem = z.infer<typeof WorkflowItem>;

export const StepView = z.object({
  index: z.number().int().nonnegative(),
  id: z.string(),
  tool: z.string(),
  phase: z.enum(['diagnose', 'mitigate', 'verify']).nullable(),
  /** The engine's own assessment once known (the plan's claim before). */
  risk: z.enum(['read', 'write']).nullable(),
  status: z.enum(['pending', 'running', 'waiting', 'done', 'failed', 'skipped']),
  /** What runs, as a person reads it (the command after answers and edits when it ran). */
  describe: z.string(),
  rationale: z.string().nullable(),
  source: z
    .object({ path: z.string(), startLine: z.number().int(), endLine: z.number().int(), heading: z.string().optional(), docVersion: z.string().optional() })
    .nullable(),
  startedAt: z.string().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  attempts: z.number().int().nonnegative(),
  /** Redacted and capped output (stdout/stderr of a shell step, a body, an answer). */
  output: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type StepView = z.infer<typeof StepView>;

export const SourceView = z.object({
  root: z.string(),
  path: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  heading: z.string(),
  score: z.number(),
  docVersion: z.string(),
  stale: z.boolean(),
});
export type SourceView = z.infer<typeof SourceView>;

/** One bar of the trace waterfall. Times are ms since the workflow was created. */
export const SpanView = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  kind: z.enum(['workflow', 'planning', 'retrieval', 'tool', 'attempt', 'policy', 'wait', 'validation']),
  name: z.string(),
  startMs: z.number().nonnegative(),
  /** null while still open. */
  endMs: z.number().nonnegative().nullable(),
  status: z.enum(['ok', 'error', 'open']),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type SpanView = z.infer<typeof SpanView>;

export const WorkflowPanelView = z.object({
  workflow: WorkflowItem,
  /** The design's states in order, and where this workflow is. */
  states: z.array(WorkflowState),
  alert: z.object({ title: z.string(), severity: z.string(), source: z.string(), labels: z.record(z.string(), z.string()), annotations: z.record(z.string(), z.string()) }),
  summary: z.string().nullable(),
  planner: z.object({ name: z.string(), route: z.string().nullable(), model: z.string().nullable(), tokens: z.number().int() }).nullable(),
  planVersion: z.number().int().nonnegative(),
  steps: z.array(StepView),
  waiting: Waiting.nullable(),
  sources: z.array(SourceView),
  spans: z.array(SpanView),
  tier: Tier,
  /** Execution refused (Restricted Mode): the panel shows why and disables Approve. */
  executionBlocked: z.string().nullable(),
});
export type WorkflowPanelView = z.infer<typeof WorkflowPanelView>;

// ---- requests: extension -> engine ----

export const triageAlert = defineRequest(
  'runbookAgent/triage',
  z.object({ workspace: Root, text: z.string().min(1).max(1_000_000) }).strict(),
  z.object({ workflows: z.array(WorkflowItem) }),
);
export const runRunbook = defineRequest(
  'runbookAgent/runRunbook',
  z.object({ workspace: Root, path: z.string().min(1).max(4096) }).strict(),
  z.object({ workflow: WorkflowItem }),
);
export const listWorkflows = defineRequest(
  'runbookAgent/workflows',
  z.object({ limit: z.number().int().positive().max(1000).default(200) }).strict(),
  z.object({ workflows: z.array(WorkflowItem), pendingApprovals: z.number().int().nonnegative() }),
);
export const workflowView = defineRequest('runbookAgent/workflow', z.object({ id: Id }).strict(), WorkflowPanelView);
export const approveStep = defineRequest(
  'runbookAgent/approve',
  z.object({ id: Id, stepId: z.string().optional(), inputHash: z.string().optional() }).strict(),
  WorkflowPanelView,
);
export const rejectStep = defineRequest(
  'runbookAgent/reject',
  z.object({ id: Id, stepId: z.string(), reason: z.string().min(1).max(2000) }).strict(),
  WorkflowPanelView,
);
export const answerQuestion = defineRequest('runbookAgent/answer', z.object({ id: Id, value: z.string().max(2000) }).strict(), WorkflowPanelView);
/** Replace the waiting step's command; nothing is approved, the engine classifies and checks policy again. */
export const editStep = defineRequest(
  'runbookAgent/edit',
  z.object({ id: Id, stepId: z.string(), command: z.string().min(1).max(20_000) }).strict(),
  WorkflowPanelView,
);
export const setKillSwitch = defineRequest(
  'runbookAgent/killSwitch',
  z.object({ name: KillSwitchName, engaged: z.boolean(), reason: z.string().max(500).default('') }).strict(),
  z.object({ engaged: z.array(KillSwitchName) }),
);
export const getTier = defineRequest('runbookAgent/tier/get', z.object({ workspace: Root }).strict(), z.object({ chosen: Tier, effective: Tier, notes: z.array(z.string()) }));
export const setTier = defineRequest(
  'runbookAgent/tier/set',
  z.object({ workspace: Root, tier: Tier }).strict(),
  z.object({ chosen: Tier, effective: Tier, notes: z.array(z.string()) }),
);
/** The workflow's trace as an OTLP JSON file (OpenTelemetry GenAI spans), for a file the person saves. */
export const exportTrace = defineRequest('runbookAgent/exportTrace', z.object({ id: Id }).strict(), z.object({ fileName: z.string(), json: z.string() }));
/** The workflow's entries in the hash-chained event log (redacted), as JSON to read. */
export const eventLog = defineRequest('runbookAgent/eventLog', z.object({ id: Id }).strict(), z.object({ fileName: z.string(), json: z.string() }));

/** Last result of each step of one runbook file, for CodeLens, hovers and gutter marks. */
export const StepResult = z.object({
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  stepId: z.string(),
  risk: z.enum(['read', 'write']),
  reasons: z.array(z.string()),
  last: z
    .object({ workflowId: z.string(), status: z.enum(['done', 'failed', 'waiting', 'unknown']), at: z.string(), exitCode: z.number().int().nullable(), output: z.string() })
    .nullable(),
});
export type StepResult = z.infer<typeof StepResult>;
export const runbookSteps = defineRequest(
  'runbookAgent/runbookSteps',
  z.object({ workspace: Root, path: z.string().min(1).max(4096) }).strict(),
  z.object({ steps: z.array(StepResult) }),
);

// ---- notifications: engine -> extension ----

/** Sent whenever any workflow changed (by this engine, the CLI, or another engine on the same database). */
export const workflowsChanged = defineNotification(
  'runbookAgent/workflowsChanged',
  z.object({ ids: z.array(z.string()), pendingApprovals: z.number().int().nonnegative() }).strict(),
);

// ---- settings: extension -> engine ----

/**
 * One policy rule. Every field given must match. `command`, `host` and `path` are globs (`*` any text, `?`
 * one character). A deny or escalate `command` glob matches anywhere in the command; an allow glob must match
 * the whole command, and never applies to a command with shell syntax in it (`;`, `|`, `&`, `$`, backticks,
 * redirections, newlines), so `gzip *` cannot approve `gzip x; rm -rf /`.
 */
export const PolicyRule = z
  .object({
    action: z.enum(['allow', 'deny', 'escalate']),
    tool: z.string().min(1).max(100).optional(),
    risk: z.enum(['read', 'write']).optional(),
    command: z.string().min(1).max(500).optional(),
    host: z.string().min(1).max(500).optional(),
    path: z.string().min(1).max(500).optional(),
    /** Shown to the person when the rule decides. */
    reason: z.string().max(500).optional(),
  })
  .strict();
export type PolicyRule = z.infer<typeof PolicyRule>;

/** The user's own policy (application-scoped settings, or the CLI's --user-policy file): may widen and narrow. */
export const UserPolicy = z
  .object({
    rules: z.array(PolicyRule).max(500).default([]),
    /** Ask before reads too. */
    approveReads: z.boolean().default(false),
  })
  .strict();
export type UserPolicy = z.infer<typeof UserPolicy>;

/**
 * The user's settings that shape what runs, sent at start and on every change. Everything that widens what
 * may run without approval (allow rules, approveReads off, allowed hosts) comes from application-scoped
 * settings, which a workspace cannot set.
 */
export const AgentSettings = z
  .object({
    policy: UserPolicy,
    allowedHosts: z.array(z.string().min(1).max(300)).max(200).default([]),
    /** runbookAgent.sandbox.requireForReads: without the sandbox (engine/sandbox), shell reads wait for a person. */
    sandbox: z.object({ requireForReads: z.boolean().default(false) }).strict().default({ requireForReads: false }),
    prometheusUrl: z.string().max(2000).default(''),
    llm: z
      .object({
        /** 'none': the runbook planner alone; 'openai': an OpenAI-compatible server; 'vscode': VS Code's Language Model API. */
        provider: z.enum(['none', 'openai', 'vscode']).default('none'),
        baseUrl: z.string().max(2000).default(''),
        fastModel: z.string().max(200).default(''),
        strongModel: z.string().max(200).default(''),
        /** From secret storage; never written to settings or logs. */
        apiKey: z.string().max(4000).default(''),
      })
      .strict(),
    /** HTTP intake for Alertmanager in the editor's engine: off unless enabled; the token comes from secret storage. */
    intake: z
      .object({ enabled: z.boolean().default(false), host: z.string().max(200).default('127.0.0.1'), port: z.number().int().min(0).max(65_535).default(9095), token: z.string().max(200).default('') })
      .strict()
      .default({ enabled: false, host: '127.0.0.1', port: 9095, token: '' }),
    /** Where settled workflows' traces go over OTLP/HTTP ('' = nowhere). Headers come from secret storage. */
    otlp: z
      .object({ endpoint: z.string().max(2000).default(''), headers: z.record(z.string().max(200), z.string().max(4000)).default({}) })
      .strict()
      .default({ endpoint: '', headers: {} }),
  })
  .strict();
export type AgentSettings = z.infer<typeof AgentSettings>;
export const configure = defineNotification('runbookAgent/configure', AgentSettings);
