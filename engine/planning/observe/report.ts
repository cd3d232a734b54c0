// The incident report of one workflow, from its record: the summary (what was found, what was done, whether it
// worked, each claim citing its tool call) and the postmortem draft. The panel, the CLI, MCP and incident memory
// all read it from here.
import type { IncidentSummary } from '../../../protocol/agent';
import type { ToolCallRecord, WorkflowEvent } from '../../../protocol/workflow';
import type { Db } from '../../control/db/open';
import { redactValue } from '../../execution/redact';
import { printable, printableValue } from '../../execution/redact/printable';
import type { CallRecord } from '../../control/workflow/decision';
import { eventsOf } from '../../control/store/sqlite/eventLog';
import { requireView } from '../../control/store/sqlite/commit';
import { listToolCalls } from '../../control/store/sqlite/toolCalls';
import type { WorkflowView } from '../../control/workflow/view';
import { composeSummary, summaryMarkdown, type SummaryEvent } from './summary';

/** When a person last retried the workflow from a step (ms), or null. */
export function lastRetryAt(events: readonly Pick<WorkflowEvent, 'type' | 'at'>[]): number | null {
  const e = [...events].reverse().find((x) => x.type === 'retried');
  return e ? Date.parse(e.at) : null;
}

/**
 * The calls that speak for the plan as it stands: without the calls a retry made stale (those, made before the
 * retry, of steps the current run has not reached again yet).
 */
export function currentCalls(view: WorkflowView, calls: readonly ToolCallRecord[], retriedAt: number | null): ToolCallRecord[] {
  if (retriedAt === null || view.state === 'COMPLETED') return [...calls];
  const indexOf = new Map((view.plan?.steps ?? []).map((s, i) => [s.id, i]));
  return calls.filter((c) => {
    const index = indexOf.get(c.stepId);
    return index === undefined || index < view.stepIndex || Date.parse(c.intendedAt) >= retriedAt;
  });
}

export const asCallRecords = (calls: readonly ToolCallRecord[]): CallRecord[] =>
  calls.map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }));

const ENDS = new Set(['completed', 'escalated', 'cancelled', 'resolved']);

/** The events as the summary reads them; an end a retry undid (completed, escalated, cancelled before it) is left out. */
const summaryEvents = (events: readonly WorkflowEvent[]): SummaryEvent[] => {
  const retriedAt = lastRetryAt(events);
  return events
    .filter((e) => retriedAt === null || !ENDS.has(e.type) || Date.parse(e.at) > retriedAt)
    .map((e) => ({ type: e.type, at: Date.parse(e.at), actor: e.actor, data: (e.data ?? {}) as Record<string, unknown> }));
};

/**
 * The incident summary from the record (unredacted: callers redact what leaves). A question a person answered
 * is not something done about the incident (and was not done "by the engine"): it stays out of "what was done".
 */
export function summaryOf(view: WorkflowView, calls: readonly ToolCallRecord[], events: readonly WorkflowEvent[]): IncidentSummary {
  const summary = composeSummary(view, asCallRecords(calls), summaryEvents(events));
  const questions = new Set((view.plan?.steps ?? []).filter((s) => s.tool === 'ask_person').map((s) => s.id));
  return { ...summary, done: summary.done.filter((d) => !questions.has(d.stepId)) };
}

/** One line per item in Markdown: a multi-line command inside backticks would break its list item. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');

/** "2026-11-24-demo-log-volume-filling-up.md": the day the alert fired and its name, safe as a file name anywhere. */
export function reportFileName(summary: Pick<IncidentSummary, 'fired'>): string {
  const day = Number.isFinite(summary.fired.at) ? new Date(summary.fired.at).toISOString().slice(0, 10) : 'undated';
  const name = summary.fired.labels.alertname ?? summary.fired.title;
  const slug = name
    .normalize('NFKD')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${day}-${slug || 'incident'}.md`;
}

/**
 * The incident summary of a workflow from its record (its view, events and tool calls, from the SQLite file or any
 * control store), redacted and printable: what the report shows and incident memory remembers.
 */
export function incidentSummaryOf(view: WorkflowView, events: readonly WorkflowEvent[], calls: readonly ToolCallRecord[]): IncidentSummary {
  return printableValue(redactValue(summaryOf(view, currentCalls(view, calls, lastRetryAt(events)), events))) as IncidentSummary;
}

/**
 * The incident summary of one workflow as data and as a Markdown postmortem draft (for `report` and Export
 * Incident Report), redacted and printable like everything that leaves the engine.
 */
export function incidentReport(db: Db, id: string): { summary: IncidentSummary; markdown: string; fileName: string } {
  const view = requireView(db, id);
  const summary = incidentSummaryOf(view, eventsOf(db, id), listToolCalls(db, id));
  const flat: IncidentSummary = { ...summary, checked: summary.checked.map((c) => ({ ...c, what: oneLine(c.what) })), done: summary.done.map((d) => ({ ...d, what: oneLine(d.what) })) };
  const draft = [
    summaryMarkdown(flat, 'Postmortem draft').trimEnd(),
    '',
    '## Impact',
    '',
    '_Who or what was affected, and for how long._',
    '',
    '## Follow-ups',
    '',
    '- [ ] ',
    '',
    '---',
    '',
    `_Drafted by Runbook Agent from workflow \`${view.id}\` (its event log and tool calls); secrets are redacted. Edit before sharing._`,
    '',
  ].join('\n');
  return { summary, markdown: printable(draft), fileName: reportFileName(summary) };
}
