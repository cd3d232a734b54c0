/**
 * The tools other agents call (protocol/agentTools.ts), implemented once: the MCP server (`runbook-agent mcp`)
 * calls them directly, the editor's engine calls them for VS Code's Language Model tools. Each works through a
 * ToolHost that says where the database, the agent and the person are.
 *
 * Nothing here approves, rejects, answers or edits. Triage hands the alert to the same normalisation, planning,
 * policy gate and orchestrator as every other alert: what it sends is data, and any write it plans waits for a
 * person. The answer says so, with where the person decides.
 */
import path from 'node:path';
import type { z } from 'zod';
import { AGENT_TOOLS, type AgentToolCall, type AgentToolResult, type ToolWorkflow, type ToolSearchHit } from '../../../protocol/agentTools';
import type { StepView } from '../../../protocol/agent';
import type { WorkflowState } from '../../../protocol/workflow';
import { InvalidAlert, normalizeAlertText } from '../../control/alert';
import { panelView } from '../agent/panelView';
import type { Db } from '../../control/db/open';
import { needingPersonIds } from '../../control/store/sqlite/reads';
import { redactText } from '../../execution/redact';
import { printable } from '../../execution/redact/printable';
import type { SearchHit } from '../../memory/retrieval/search';
import { workflowReport } from '../cli/agent/report';
import { shellQuote } from '../../execution/tools/quote';
import { NothingToDo, UnknownWorkflow } from '../../control/workflow/errors';
import type { AlertRequest } from '../../control/workflow/request';
import { loadView } from '../../control/store/sqlite/commit';
import type { WorkflowView } from '../../control/workflow/view';

/** Where the tools act: one database, the folders they may see, the folder a triage starts in. */
export interface ToolHost {
  readonly db: Db;
  /** Absolute folders this host serves: workflow reads and lists stay inside them. */
  readonly folders: readonly string[];
  /** The folder a triage starts in (one of `folders`). */
  readonly workspace: string;
  /** Runbook sections of `folders`, best first. */
  search(query: string, k: number): Promise<SearchHit[]>;
  /** Starts (or finds) one workflow per alert, exactly as any other intake does. */
  start(alerts: readonly AlertRequest[]): WorkflowView[];
  /** Returns once each workflow rests (waits for a person, settled, validating) or `signal` aborts. */
  settle(ids: readonly string[], signal?: AbortSignal): Promise<void>;
  /** Why nothing may execute here (Restricted Mode), or null. */
  blocked(): string | null;
  /** Where a person decides on this workflow: the panel link (or null) and what to run or click. */
  decide(view: WorkflowView): { panelLink: string | null; next: string[] };
}

/** Bad input: the MCP server answers JSON-RPC InvalidParams, the editor's engine InvalidParams, naming the field. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

/** States in which a workflow makes progress on its own; anything else rests until a person or an alert acts. */
const MOVING: ReadonlySet<WorkflowState> = new Set(['RECEIVED', 'PLANNED', 'EXECUTING', 'WAITING_FOR_TOOL']);
export const isResting = (state: WorkflowState) => !MOVING.has(state);

const OUTPUT_CHARS = 2000;
const PREVIEW_CHARS = 400;

/** Runs one tool call whose input already passed its schema. */
export async function runAgentTool(host: ToolHost, call: AgentToolCall, signal?: AbortSignal): Promise<AgentToolResult> {
  switch (call.tool) {
    case AGENT_TOOLS.search.name:
      return search(host, call.input);
    case AGENT_TOOLS.triage.name:
      return triage(host, call.input, signal);
    case AGENT_TOOLS.workflow.name:
      return workflow(host, call.input);
    case AGENT_TOOLS.pending.name:
      return pending(host, call.input);
  }
}

async function search(host: ToolHost, input: z.infer<typeof AGENT_TOOLS.search.input>): Promise<AgentToolResult> {
  const k = input.k ?? 5;
  const hits: z.infer<typeof ToolSearchHit>[] = (await host.search(input.query, k)).map((h) => ({
    path: relative(host, h.root, h.path),
    startLine: h.startLine,
    endLine: h.endLine,
    heading: printable(h.heading),
    score: h.score,
    stale: h.stale,
    // Runbooks are the team's text and may quote a credential: what leaves for a model is redacted.
    preview: printable(redactText(h.text.slice(0, PREVIEW_CHARS))),
  }));
  const lines = hits.length
    ? [`${hits.length} runbook section(s) for ${JSON.stringify(input.query)}:`]
    : [`No runbook section matches ${JSON.stringify(input.query)}. Is the workspace indexed, and does it hold Markdown runbooks?`];
  hits.forEach((h, i) => {
    lines.push(`${i + 1}. ${h.path}:${h.startLine}-${h.endLine}  ${h.heading}  (score ${h.score.toFixed(4)}${h.stale ? ', changed since indexed' : ''})`);
    lines.push(indent(h.preview.trim().split('\n').slice(0, 6).join('\n'), '     '));
  });
  return { text: lines.join('\n'), data: { hits } };
}

async function triage(host: ToolHost, input: z.infer<typeof AGENT_TOOLS.triage.input>, signal?: AbortSignal): Promise<AgentToolResult> {
  const why = host.blocked();
  if (why) throw new Error(why);
  const text = typeof input.alert === 'string' ? input.alert : JSON.stringify(input.alert);
  let alerts: AlertRequest[];
  try {
    alerts = normalizeAlertText(text);
  } catch (error) {
    if (error instanceof InvalidAlert) throw new ToolInputError(`alert: ${error.message}`);
    throw error;
  }
  let started: WorkflowView[];
  try {
    started = host.start(alerts);
  } catch (error) {
    if (error instanceof NothingToDo) return { text: `Nothing to triage: ${error.message}.`, data: { workflows: [] } };
    throw error;
  }
  await host.settle(
    started.map((w) => w.id),
    signal,
  );
  const workflows = started.map((w) => digest(host, w.id));
  const intro = workflows.length === 1 ? 'Runbook Agent took the alert.' : `Runbook Agent took the alert as ${workflows.length} workflows.`;
  return { text: [intro, ...workflows.map(render)].join('\n\n'), data: { workflows } };
}

function workflow(host: ToolHost, input: z.infer<typeof AGENT_TOOLS.workflow.input>): AgentToolResult {
  const w = digest(host, input.id);
  return { text: render(w), data: w };
}

function pending(host: ToolHost, input: z.infer<typeof AGENT_TOOLS.pending.input>): AgentToolResult {
  const limit = input.limit ?? 20;
  const workflows = needingPersonIds(host.db, host.folders, limit).map((id) => digest(host, id));
  if (workflows.length === 0) return { text: 'Nothing waits for a person in this workspace.', data: { workflows } };
  const lines = [`${workflows.length} workflow(s) wait for a person. No tool can decide for them; a person does, in the panel or with the CLI.`];
  for (const w of workflows) {
    lines.push('', `- ${w.id}  ${w.title}  [${w.state}]`, indent(waitingLine(w), '  '));
    if (w.panelLink) lines.push(`  panel: ${w.panelLink}`);
    for (const n of w.next) lines.push(`  ${n}`);
  }
  return { text: lines.join('\n'), data: { workflows } };
}

/** One workflow as another agent reads it; a workflow outside this host's folders does not exist for it. */
export function digest(host: ToolHost, id: string): ToolWorkflow {
  const view = loadView(host.db, id);
  if (!view || !host.folders.includes(view.workspace)) throw new ToolInputError(`id: ${new UnknownWorkflow(id).message} in this workspace`);
  const panel = panelView(host.db, id, host.blocked());
  const { panelLink, next } = host.decide(view);
  const waitsForPerson = view.state === 'WAITING_FOR_PERSON' || view.state === 'ESCALATED';
  return {
    id,
    title: panel.workflow.title,
    state: view.state,
    reason: panel.workflow.reason,
    workspace: view.workspace,
    alert: { title: panel.alert.title, severity: panel.alert.severity, source: panel.alert.source },
    summary: panel.planSummary,
    steps: panel.steps.map(step),
    waiting: panel.waiting,
    waitsForPerson,
    panelLink,
    next: waitsForPerson ? next : [],
  };
}

function step(s: StepView): ToolWorkflow['steps'][number] {
  const output = s.output === null ? null : s.output.length > OUTPUT_CHARS ? `${s.output.slice(0, OUTPUT_CHARS)}\n… (${s.output.length - OUTPUT_CHARS} more characters)` : s.output;
  const source = s.source ? `${s.source.path}:${s.source.startLine}-${s.source.endLine}${s.source.heading ? ` (${s.source.heading})` : ''}` : null;
  return { index: s.index, id: s.id, tool: s.tool, phase: s.phase, risk: s.risk, status: s.status, runs: s.describe, source, output, exitCode: s.exitCode };
}

const MARK: Record<ToolWorkflow['steps'][number]['status'], string> = { done: '✓', failed: '✗', waiting: '⏸', running: '▶', pending: '·', skipped: '–' };

/** The text a model reads: the plan, what the diagnostics found, what waits for whom, and where the person decides. */
export function render(w: ToolWorkflow): string {
  const lines = [`Workflow ${w.id}: ${w.title}`, `State: ${w.state}${w.reason ? ` (${w.reason})` : ''}`, `Alert: ${w.alert.title} (${w.alert.severity}, from ${w.alert.source})`];
  if (w.summary) lines.push(`Plan: ${w.summary}`);
  if (w.steps.length) lines.push('Steps:');
  for (const s of w.steps) {
    const tags = [s.phase, s.risk ?? (s.tool === 'ask_person' ? 'question' : null)].filter(Boolean).join(', ');
    const result = s.status === 'waiting' ? ' (waits for a person)' : s.exitCode !== null ? ` (exit ${s.exitCode})` : s.status === 'failed' ? ' (failed)' : '';
    lines.push(`  ${MARK[s.status]} ${s.index + 1}. ${s.id}${tags ? ` [${tags}]` : ''}: ${oneLine(s.runs)}${result}`);
    if (s.output && s.status === 'done') lines.push(indent(s.output.trimEnd(), '       | '));
  }
  if (w.waitsForPerson) {
    lines.push('', waitingLine(w));
    lines.push('This tool did not approve anything and cannot: no Runbook Agent tool approves, rejects or answers.');
    if (w.panelLink) lines.push(`A person decides in the Runbook Agent panel: ${w.panelLink}`);
    if (w.next.length) lines.push(w.panelLink ? 'or:' : 'A person decides with:', ...w.next.map((n) => `  ${n}`));
  } else if (w.state === 'VALIDATING') {
    lines.push('', 'Validating: the plan ran; the workflow waits for its checks or for the alert to resolve.');
  } else if (w.state === 'COMPLETED') {
    lines.push('', 'Completed.');
  } else if (!isResting(w.state)) {
    lines.push('', `Still running (${w.state}); read it again with ${AGENT_TOOLS.workflow.name}.`);
  }
  return lines.join('\n');
}

function waitingLine(w: ToolWorkflow): string {
  const waiting = w.waiting;
  if (w.state === 'ESCALATED') return `Escalated to a person: ${w.reason ?? 'see the workflow'}.`;
  if (!waiting) return 'Waits for a person.';
  switch (waiting.kind) {
    case 'approval': {
      const why = waiting.reasons.length ? ` (${waiting.reasons.join('; ')})` : '';
      return `Step ${waiting.stepId} is a ${waiting.risk}${why} and waits for a person: ${oneLine(waiting.describe)}\nWhy a person: ${waiting.policy}.`;
    }
    case 'question':
      return `Step ${waiting.stepId} waits for a person to answer: ${waiting.question} (${waiting.name})`;
    case 'kill_switch':
      return `Step ${waiting.stepId} waits: the ${waiting.switch} kill switch is on.`;
    case 'trust':
      return `Step ${waiting.stepId} waits: ${waiting.message}`;
    default: {
      // Kinds added later (e.g. a checklist item a person does by hand) still say whom the step waits for.
      const other = waiting as { kind: string; stepId: string; item?: unknown };
      return typeof other.item === 'string'
        ? `Step ${other.stepId} waits for a person to do this by hand and mark it done or skipped: ${oneLine(other.item)}`
        : `Step ${other.stepId} waits for a person (${other.kind}).`;
    }
  }
}

function relative(host: ToolHost, root: string, rel: string): string {
  // With one folder a path reads as it is in the workspace; with several, the folder's name goes first.
  return host.folders.length > 1 ? `${path.basename(root)}/${rel}` : rel;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');
const indent = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');

/** The CLI commands with which a person decides on a workflow, against the database it lives in. */
export function cliCommands(db: Db, dbFile: string, id: string): string[] {
  return workflowReport(db, id).next.map((c) => (c.startsWith('runbook-agent ') ? `${c} --db ${shellQuote(dbFile)}` : c));
}
