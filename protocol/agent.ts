/**
 * Workflows in the editor: what the extension asks the engine (triage, approve, …), what the panel shows,
 * and the notification that keeps every view live. Both sides import this; the webview gets these shapes
 * through protocol/webview.ts.
 */
import { z } from 'zod';
import { defineNotification, defineRequest } from './define';
import { KillSwitchName, Waiting, WorkflowState, WorkflowSummary } from './workflow';
import { LastTimeView } from './memory';

const Id = z.string().min(1).max(100);
const Root = z.string().min(1).max(4096);

export const Tier = z.enum(['read-only', 'approved-writes', 'auto-approve']);
export type Tier = z.infer<typeof Tier>;

/**
 * What a person must do about a workflow: approve (or reject) a step, answer a question, tick a checklist item,
 * take over an escalation, or (`resolution`) say whether the alert resolved while the workflow waits for it.
 * Every kind but `resolution` counts in the badges and the status bar.
 */
export const Attention = z.enum(['approval', 'question', 'checklist', 'escalated', 'resolution']);
export type Attention = z.infer<typeof Attention>;

/** A workflow in lists (panel, tree view): the summary plus what a person must do. */
export const WorkflowItem = WorkflowSummary.extend({
  workspace: z.string(),
  /** The step waits for an approval (true) — the count behind the badges. */
  needsApproval: z.boolean(),
  /** The workflow waits for an answer to a question. */
  needsAnswer: z.boolean(),
  /** What a person must do about it, if anything. */
  attention: Attention.nullable().default(null),
  /** Hidden from the default lists (a settled workflow a person archived). */
  archived: z.boolean().default(false),
  /** While it waits in VALIDATING for the alert to resolve: until when (ISO time). */
  waitsUntil: z.string().nullable().default(null),
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
  /**
   * How the step came out, never a plain ✓ for a command that failed or complained: ok, flagged (exit 0 but wrote
   * to stderr), failed (non-zero exit, or the tool failed), not-run (started, no result), skipped (a decision
   * skipped it, with evidence) or declined (a person rejected it). null while it has not run.
   */
  flag: z.enum(['ok', 'flagged', 'failed', 'not-run', 'skipped', 'declined']).nullable().default(null),
  /** Why it is flagged, failed, skipped or declined ("exit 2", "declined by ana: not now"). */
  flagReason: z.string().nullable().default(null),
  /** Citations (`tc:` + 12 hex of a tool-call key) of the outputs a skip rests on. */
  evidence: z.array(z.string()).default([]),
  /** This step's own citation (its latest tool call), which the summary points at. */
  citation: z.string().nullable().default(null),
  /** A verification step's outcome in words: "du -sm logs/ | cut -f1: 1 < 10 ✓". */
  verification: z.object({ text: z.string(), passed: z.boolean() }).nullable().default(null),
});
export type StepView = z.infer<typeof StepView>;

/**
 * The incident summary (engine/planning/observe/summary.ts), composed from the record at every settled state:
 * what fired; what was checked, each finding citing its tool call; likely causes with the evidence for and
 * against; what was done, declined or skipped and by whom; verification; a timeline; the next action. Times
 * are ms since the epoch.
 */
export const IncidentSummary = z.object({
  fired: z.object({ title: z.string(), severity: z.string(), labels: z.record(z.string(), z.string()), at: z.number() }),
  state: z.string(),
  reason: z.string().nullable(),
  checked: z.array(
    z.object({
      stepId: z.string(),
      what: z.string(),
      status: z.enum(['ok', 'flagged', 'failed', 'not-run']),
      finding: z.string(),
      citation: z.string(),
      origin: z.string().optional(),
    }),
  ),
  causes: z.array(z.object({ cause: z.string(), for: z.array(z.string()), against: z.array(z.string()) })),
  done: z.array(
    z.object({
      stepId: z.string(),
      what: z.string(),
      outcome: z.enum(['done', 'failed', 'declined', 'skipped', 'waiting', 'not run']),
      by: z.string().nullable(),
      why: z.string().nullable(),
      citation: z.string().nullable(),
    }),
  ),
  verification: z.object({ status: z.enum(['passed', 'failed', 'not verified yet', 'resolved']), items: z.array(z.string()), by: z.string().nullable() }),
  timings: z.array(z.object({ stage: z.string(), at: z.number(), afterMs: z.number() })),
  next: z.string().nullable(),
});
export type IncidentSummary = z.infer<typeof IncidentSummary>;

export const SourceView = z.object({
  root: z.string(),
  path: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  heading: z.string(),
  score: z.number(),
  docVersion: z.string(),
  stale: z.boolean(),
  /** The runbook the plan was made from (its score is not a search score), not a section search returned. */
  planRunbook: z.boolean().default(false),
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
  /** The incident summary, kept current at every settled state: the top of the panel. */
  summary: IncidentSummary,
  /** The planner's one-line account of the plan. */
  planSummary: z.string().nullable(),
  planner: z.object({ name: z.string(), route: z.string().nullable(), model: z.string().nullable(), tokens: z.number().int() }).nullable(),
  planVersion: z.number().int().nonnegative(),
  steps: z.array(StepView),
  waiting: Waiting.nullable(),
  /** Waiting in VALIDATING for the alert to resolve, until this ISO time: Mark resolved / Escalate now. */
  awaitingResolution: z.object({ until: z.string() }).nullable().default(null),
  sources: z.array(SourceView),
  spans: z.array(SpanView),
  tier: Tier,
  /** Execution refused (Restricted Mode): the panel shows why and disables Approve. */
  executionBlocked: z.string().nullable(),
  /** Earlier incidents of the same alert settled before this one fired (engine/memory/incidents), best first. */
  lastTime: z.array(LastTimeView).optional(),
  /** The model-drafted summary or why there is none (summary_drafted); its shape is the model's, so the webview checks it (webview/views/summary.ts draftOf). */
  summaryDraft: z.unknown().optional(),
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
  /** Archived workflows are left out unless `archived` is true. */
  z.object({ limit: z.number().int().positive().max(1000).default(200), archived: z.boolean().default(false) }).strict(),
  z.object({
    workflows: z.array(WorkflowItem),
    pendingApprovals: z.number().int().nonnegative(),
    /** Workflows that wait for a person in any way (approval, question, checklist, escalation): the badge. */
    needsPerson: z.number().int().nonnegative().default(0),
  }),
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
/** A person did (or skipped) the runbook instruction the workflow waits on; the note goes into the log. */
export const tickChecklist = defineRequest(
  'runbookAgent/tick',
  z.object({ id: Id, stepId: z.string().max(200).optional(), outcome: z.enum(['done', 'skipped']), note: z.string().max(2000).default('') }).strict(),
  WorkflowPanelView,
);
const Note = z.string().max(2000).default('');
/** While the workflow waits for its alert to resolve: a person says it did. */
export const markResolved = defineRequest('runbookAgent/markResolved', z.object({ id: Id, note: Note }).strict(), WorkflowPanelView);
/** Escalate now instead of waiting (for the alert, or for a person's decision). */
export const escalateNow = defineRequest('runbookAgent/escalateNow', z.object({ id: Id, note: Note }).strict(), WorkflowPanelView);
/** Stop a workflow that waits, failed or was escalated: nothing more runs (CANCELLED). */
export const cancelWorkflow = defineRequest('runbookAgent/cancel', z.object({ id: Id, note: Note }).strict(), WorkflowPanelView);
/** Run again from one step (a settled or waiting workflow); writes still wait for approval. */
export const retryStep = defineRequest('runbookAgent/retry', z.object({ id: Id, stepId: z.string().min(1).max(200) }).strict(), WorkflowPanelView);
/** Plan a waiting workflow again from the runbook a person names (a workspace-relative Markdown path). */
export const useRunbook = defineRequest('runbookAgent/useRunbook', z.object({ id: Id, runbook: z.string().min(1).max(1000) }).strict(), WorkflowPanelView);
/** Hide a settled workflow from the default lists; its events stay in the log. */
export const archiveWorkflow = defineRequest('runbookAgent/archive', z.object({ id: Id }).strict(), WorkflowPanelView);
/** The incident summary as data and as Markdown (a postmortem draft), with a file name for it. */
export const incidentReport = defineRequest(
  'runbookAgent/incidentReport',
  z.object({ id: Id }).strict(),
  z.object({ summary: IncidentSummary, markdown: z.string(), fileName: z.string() }),
);

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
    /**
     * A model may propose writes no runbook step names (they still wait for approval). Off: such writes are dropped
     * and noted. Only the user's own policy can turn it on, never a workspace's.
     */
    allowModelWrites: z.boolean().default(false),
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
    /** runbookAgent.sandbox.requireForReads: without the sandbox (engine/execution/sandbox), shell reads wait for a person. */
    sandbox: z.object({ requireForReads: z.boolean().default(false) }).strict().default({ requireForReads: false }),
    prometheusUrl: z.string().max(2000).default(''),
    /** runbookAgent.alertmanager.url: Alertmanager (API v2) for silences while an approved mitigation works; '' = none. */
    alertmanagerUrl: z.string().max(2000).default(''),
    /** runbookAgent.kubernetes.*: kubectl's --context and --kubeconfig for the built-in diagnostics; empty: kubectl's own. */
    kubernetes: z
      .object({ context: z.string().max(253).default(''), kubeconfig: z.string().max(4096).default('') })
      .strict()
      .default({ context: '', kubeconfig: '' }),
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
