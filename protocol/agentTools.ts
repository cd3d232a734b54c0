/**
 * The tools Runbook Agent offers other agents: VS Code's Language Model tools (extension/tools) and the MCP
 * server (`runbook-agent mcp`, engine/entry/mcp). One definition per tool: its name, what a model reads about it, its
 * input schema (zod; the JSON schemas in package.json `contributes.languageModelTools` are generated from these and
 * checked by test/unit/agentTools.test.ts), what it returns, and hints that tell the truth about its effects.
 *
 * There is no tool that approves, rejects, answers or edits: a tool may start a workflow, but every write it
 * plans waits for a person in the panel or the CLI, exactly as if the alert had arrived any other way.
 */
import { z } from 'zod';
import { defineRequest } from './define';
import { Waiting, WorkflowState } from './workflow';

const Id = z.string().min(1).max(100).describe('A workflow id, as returned by runbook_triage or runbook_pending.');

export const SearchInput = z
  .object({
    query: z.string().min(1).max(2000).describe('What is wrong, in words or as an alert title, e.g. "log volume is filling up".'),
    k: z.number().int().min(1).max(20).optional().describe('How many runbook sections to return (default 5).'),
  })
  .strict();

export const TriageInput = z
  .object({
    alert: z
      .union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())])
      .describe(
        'The alert: an Alertmanager webhook payload (v4), a plain JSON alert ({"alertname", "labels", "annotations", ...}), or the text of a notification. It is data: it is normalised and planned like any alert, never run.',
      ),
  })
  .strict();

export const WorkflowInput = z.object({ id: Id }).strict();

export const PendingInput = z
  .object({ limit: z.number().int().min(1).max(100).optional().describe('At most this many workflows (default 20).') })
  .strict();

/** One runbook section that answers a search. */
export const ToolSearchHit = z.object({
  path: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  heading: z.string(),
  score: z.number(),
  /** The file changed since it was indexed. */
  stale: z.boolean(),
  preview: z.string(),
});

/** One step of a workflow's plan, as another agent reads it. */
export const ToolStep = z.object({
  index: z.number().int().nonnegative(),
  id: z.string(),
  tool: z.string(),
  phase: z.enum(['diagnose', 'mitigate', 'verify']).nullable(),
  risk: z.enum(['read', 'write']).nullable(),
  status: z.enum(['pending', 'running', 'waiting', 'done', 'failed', 'skipped']),
  /** What runs (the command, query, question, URL), redacted. */
  runs: z.string(),
  source: z.string().nullable(),
  /** The step's output (redacted, capped), once it ran. */
  output: z.string().nullable(),
  exitCode: z.number().int().nullable(),
});

/** What a workflow is, where it stands, and what a person must do next. */
export const ToolWorkflow = z.object({
  id: z.string(),
  title: z.string(),
  state: WorkflowState,
  reason: z.string().nullable(),
  workspace: z.string(),
  alert: z.object({ title: z.string(), severity: z.string(), source: z.string() }),
  summary: z.string().nullable(),
  steps: z.array(ToolStep),
  waiting: Waiting.nullable(),
  /** True while a person must act (approve, reject, answer, or close an escalation); no tool can. */
  waitsForPerson: z.boolean(),
  /** Where the person decides: the panel link and the CLI commands. */
  panelLink: z.string().nullable(),
  next: z.array(z.string()),
});
export type ToolWorkflow = z.infer<typeof ToolWorkflow>;

export const SearchOutput = z.object({ hits: z.array(ToolSearchHit) });
export const TriageOutput = z.object({ workflows: z.array(ToolWorkflow) });
export const WorkflowOutput = ToolWorkflow;
export const PendingOutput = z.object({ workflows: z.array(ToolWorkflow) });

/** MCP tool annotations (https://modelcontextprotocol.io, ToolAnnotations); the same facts drive VS Code's tags. */
export interface ToolHints {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: boolean;
}

export interface AgentToolDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly title: string;
  /** For `#` references in VS Code chat. */
  readonly referenceName: string;
  /** One line for people (VS Code's tool picker). */
  readonly summary: string;
  /** What a model reads. */
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly hints: ToolHints;
  readonly tags: readonly string[];
}

const NO_APPROVAL =
  'No tool approves anything: every write in a plan waits for a person, who decides in the Runbook Agent panel or with the runbook-agent CLI; the answer gives the link and the commands.';

export const AGENT_TOOLS = {
  search: {
    name: 'runbook_search',
    title: 'Search runbooks',
    referenceName: 'runbookSearch',
    summary: "Search this workspace's runbooks.",
    description:
      "Searches the workspace's Markdown runbooks (hybrid bm25 + local embeddings) and returns the sections that answer a problem or an alert, with file, lines, heading and a preview. Read-only.",
    input: SearchInput,
    output: SearchOutput,
    hints: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    tags: ['runbooks', 'search', 'read-only'],
  },
  triage: {
    name: 'runbook_triage',
    title: 'Triage an alert',
    referenceName: 'runbookTriage',
    summary: 'Start a Runbook Agent workflow for an alert: diagnostics run, writes wait for you.',
    description:
      "Hands an alert to Runbook Agent: it becomes a durable workflow whose plan comes from the workspace's runbooks (diagnose, mitigate, verify). The read-only diagnostics the user's policy allows run on this machine; every write waits for a person. Returns the plan, the diagnostics' findings, which step waits for whom, and the link to the panel. Send operational work here instead of running kubectl or shell commands yourself. A re-sent alert returns its existing workflow. " +
      NO_APPROVAL,
    input: TriageInput,
    output: TriageOutput,
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    tags: ['runbooks', 'alerts', 'incident', 'workflow'],
  },
  workflow: {
    name: 'runbook_workflow',
    title: 'Get a workflow',
    referenceName: 'runbookWorkflow',
    summary: "Read a Runbook Agent workflow's state, plan and findings.",
    description:
      "Reads one Runbook Agent workflow: its state, plan summary, each step's status and output, and what it waits for. Read-only; use it to follow a workflow after a person acted. " +
      NO_APPROVAL,
    input: WorkflowInput,
    output: WorkflowOutput,
    hints: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    tags: ['runbooks', 'workflow', 'read-only'],
  },
  pending: {
    name: 'runbook_pending',
    title: 'List what waits for a person',
    referenceName: 'runbookPending',
    summary: 'List Runbook Agent workflows that wait for you.',
    description:
      'Lists the workflows in this workspace that wait for a person: writes waiting for approval, questions for a value, escalations. Read-only. ' + NO_APPROVAL,
    input: PendingInput,
    output: PendingOutput,
    hints: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    tags: ['runbooks', 'workflow', 'approvals', 'read-only'],
  },
} as const satisfies Record<string, AgentToolDefinition>;

export type AgentToolKey = keyof typeof AGENT_TOOLS;
export const AGENT_TOOL_LIST: readonly AgentToolDefinition[] = Object.values(AGENT_TOOLS);
export type AgentToolName = (typeof AGENT_TOOLS)[AgentToolKey]['name'];

/** package.json `contributes.languageModelTools`: generated from these definitions (test/unit/agentTools.test.ts checks it). */
export function languageModelToolContributions(): Array<Record<string, unknown>> {
  return AGENT_TOOL_LIST.map((t) => ({
    name: t.name,
    displayName: t.title,
    toolReferenceName: t.referenceName,
    canBeReferencedInPrompt: true,
    icon: '$(book)',
    userDescription: t.summary,
    modelDescription: t.description,
    tags: [...t.tags],
    inputSchema: inputJsonSchema(t),
  }));
}

/** The input JSON schema of a tool, as MCP's tools/list and package.json's languageModelTools show it. */
export function inputJsonSchema(tool: AgentToolDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.input, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

// ---- the editor's engine runs the same tools for the Language Model tools (extension -> engine) ----

export const AgentToolCall = z.discriminatedUnion('tool', [
  z.object({ tool: z.literal(AGENT_TOOLS.search.name), input: SearchInput }).strict(),
  z.object({ tool: z.literal(AGENT_TOOLS.triage.name), input: TriageInput }).strict(),
  z.object({ tool: z.literal(AGENT_TOOLS.workflow.name), input: WorkflowInput }).strict(),
  z.object({ tool: z.literal(AGENT_TOOLS.pending.name), input: PendingInput }).strict(),
]);
export type AgentToolCall = z.infer<typeof AgentToolCall>;

/** A tool's answer: the text a model reads, and the same facts as data (the tool's output schema). */
export const AgentToolResult = z.object({ text: z.string(), data: z.record(z.string(), z.unknown()) });
export type AgentToolResult = z.infer<typeof AgentToolResult>;

export const invokeAgentTool = defineRequest(
  'runbookAgent/agentTool',
  z
    .object({
      /** The workspace folder a triage starts in (one of the window's folders); searches and lists cover every folder. */
      workspace: z.string().min(1).max(4096),
      /** Prefix of the link that opens a workflow in the panel (the extension's vscode:// URI); the id is appended. */
      panelUri: z.string().max(500).optional(),
      call: AgentToolCall,
    })
    .strict(),
  AgentToolResult,
);
