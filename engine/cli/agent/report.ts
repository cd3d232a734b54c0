import type { Db } from '../../db/open';
import { redactValue } from '../../redact';
import { showWorkflow } from '../../workflow/query';
import { requireView } from '../../workflow/store';
import type { WorkflowView } from '../../workflow/view';

type StepStatus = 'done' | 'failed' | 'waiting' | 'pending';

/** Where one workflow stands, in the shape `triage --json` prints and the text report reads. */
export function workflowReport(db: Db, id: string) {
  const view = requireView(db, id);
  const detail = showWorkflow(db, id);
  const steps = (view.plan?.steps ?? []).map((step, i) => {
    const call = detail.toolCalls.filter((c) => c.stepId === step.id).at(-1);
    const status: StepStatus = i < view.stepIndex ? 'done' : i === view.stepIndex && view.state === 'WAITING_FOR_PERSON' ? 'waiting' : call?.status === 'failed' ? 'failed' : 'pending';
    return { id: step.id, tool: step.tool, phase: step.phase ?? null, risk: step.risk ?? null, status, input: i < view.stepIndex && call ? call.input : step.input, rationale: step.rationale ?? null, source: step.source ?? null, result: i < view.stepIndex ? (call?.result ?? null) : null };
  });
  const report = {
    workflow: detail.workflow,
    workspace: view.workspace,
    alert: { title: view.request.title, severity: view.request.severity, source: view.request.source, labels: view.request.labels },
    summary: view.plan?.summary ?? null,
    steps,
    waiting: view.waiting,
    next: nextCommands(view),
  };
  // The plan's inputs, the wait and the alert come from the stored view, which keeps secrets as given.
  return redactValue(report) as typeof report;
}
export type WorkflowReport = ReturnType<typeof workflowReport>;

function nextCommands(view: WorkflowView): string[] {
  const w = view.waiting;
  if (view.state === 'WAITING_FOR_PERSON' && w) {
    if (w.kind === 'question') return [`runbook-agent answer ${view.id} "VALUE"`];
    const reject = `runbook-agent reject ${view.id} ${w.stepId} --reason "WHY"`;
    if (w.kind === 'approval' && w.held) {
      return [`runbook-agent tier --workspace ${JSON.stringify(view.workspace)} approved-writes`, `runbook-agent approve ${view.id} ${w.stepId}`, reject];
    }
    if (w.kind === 'approval') return [`runbook-agent approve ${view.id} ${w.stepId}`, reject];
    return [`runbook-agent approve ${view.id}`];
  }
  if (view.state === 'ESCALATED') return [`runbook-agent show ${view.id}`, `runbook-agent resolve ${view.id} --note "WHAT HAPPENED"`];
  return [];
}

const MARK: Record<StepStatus, string> = { done: '✓', failed: '✗', waiting: '⏸', pending: '·' };

function what(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return (text ?? JSON.stringify(input)).replace(/\s*\n\s*/g, ' ⏎ ');
}

function outcome(result: unknown): string {
  const r = (result ?? null) as { exitCode?: unknown; answer?: unknown; series?: unknown } | null;
  if (r === null) return '';
  if (typeof r.exitCode === 'number') return `exit ${r.exitCode}`;
  if (typeof r.answer === 'string') return `answer: ${r.answer}`;
  if (typeof r.series === 'number') return `${r.series} series`;
  return '';
}

export function renderReport(r: WorkflowReport): string {
  const lines = [`workflow ${r.workflow.id}  ${r.workflow.state}`, `alert: ${r.alert.title} (${r.alert.severity}, from ${r.alert.source})`];
  if (r.summary) lines.push(`plan: ${r.summary}`);
  r.steps.forEach((s, i) => {
    const risk = s.risk ?? (s.tool === 'ask_person' ? 'ask' : '');
    lines.push(`  ${MARK[s.status]} ${String(i + 1).padStart(2)} ${s.id.padEnd(24)} ${risk.padEnd(5)} ${what(s.input)}${s.result ? `   [${outcome(s.result)}]` : ''}`);
  });
  const w = r.waiting;
  if (w?.kind === 'approval') {
    lines.push('', `${w.held ? 'held' : 'waiting for approval'}: step ${w.stepId} (${w.tool}, ${w.risk}): ${w.policy}`, `  runs: ${w.describe}`);
    for (const reason of w.reasons) lines.push(`  why a ${w.risk}: ${reason}`);
    const src = w.source as { path?: string; startLine?: number; endLine?: number; heading?: string } | undefined;
    if (src?.path) lines.push(`  proposed by: ${src.path}:${src.startLine}-${src.endLine}${src.heading ? ` (${src.heading})` : ''}`);
    lines.push(`  input hash: ${w.inputHash}`);
  } else if (w?.kind === 'question') lines.push('', `question for you (${w.name}): ${w.question}`);
  else if (w) lines.push('', `paused: ${r.workflow.reason ?? w.kind}`);
  else if (r.workflow.state === 'VALIDATING') lines.push('', 'validating: the plan has no verification step, so the engine waits for the alert to resolve');
  else if (r.workflow.reason && r.workflow.state !== 'COMPLETED') lines.push('', `reason: ${r.workflow.reason}`);
  if (r.next.length > 0) lines.push('', 'next:', ...r.next.map((c) => `  ${c}`));
  return lines.join('\n');
}
