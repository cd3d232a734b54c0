import type { Db } from '../../../control/db/open';
import { ticksOf, tickWords } from '../../agent/panelView';
import { currentCalls, lastRetryAt } from '../../../planning/observe/report';
import { observe, type ObservationStatus } from '../../../planning/observe/observations';
import { redactValue } from '../../../execution/redact';
import { showWorkflow } from '../../../control/store/sqlite/query';
import { requireView } from '../../../control/store/sqlite/commit';
import type { WorkflowView } from '../../../control/workflow/view';
import { CONFIRM_RUNBOOK_STEP } from '../../../../protocol/workflow';

type StepStatus = 'done' | 'failed' | 'waiting' | 'pending' | 'skipped';
/** How a step that ran came out (a failed or complaining command is never a plain ✓), or why it did not run. */
type StepFlag = ObservationStatus | 'skipped' | 'declined';

/** Where one workflow stands, in the shape `triage --json` prints and the text report reads. */
export function workflowReport(db: Db, id: string) {
  const view = requireView(db, id);
  const detail = showWorkflow(db, id);
  const calls = currentCalls(view, detail.toolCalls, lastRetryAt(detail.events));
  const plan = view.plan ?? { summary: '', steps: [] };
  const observed = new Map(observe(plan, calls.map((c) => ({ id: c.key, stepId: c.stepId, tool: c.tool, status: c.status, input: c.input, result: c.result, error: c.error }))).map((o) => [o.stepId, o]));
  const passed = (i: number) => i < view.stepIndex || view.state === 'COMPLETED';
  const ticks = ticksOf(detail.events);
  const steps = plan.steps.map((step, i) => {
    const call = calls.filter((c) => c.stepId === step.id).at(-1);
    const o = observed.get(step.id);
    const skipped = view.skipped?.[step.id];
    const tick = step.tool === 'checklist' && passed(i) ? ticks.get(step.id) : undefined;
    const status: StepStatus = skipped
      ? 'skipped'
      : passed(i)
        ? o?.status === 'failed'
          ? 'failed'
          : tick?.outcome === 'skipped'
            ? 'skipped'
            : 'done'
        : i === view.stepIndex && view.state === 'WAITING_FOR_PERSON'
          ? 'waiting'
          : call?.status === 'failed'
            ? 'failed'
            : 'pending';
    const flag: StepFlag | null = skipped
      ? skipped.reason.startsWith('declined')
        ? 'declined'
        : 'skipped'
      : status === 'skipped'
        ? 'skipped'
        : o && (passed(i) || status === 'failed')
          ? o.status
          : null;
    const checked = view.verification?.find((v) => v.stepId === step.id);
    return {
      id: step.id,
      tool: step.tool,
      phase: step.phase ?? null,
      risk: step.risk ?? null,
      status,
      flag,
      /** Why it is flagged, failed, skipped or declined. */
      why: skipped ? skipped.reason : tick ? tickWords(tick) : flag === 'flagged' || flag === 'failed' || flag === 'not-run' ? (o?.why ?? null) : null,
      evidence: skipped?.evidence ?? [],
      citation: o?.id ?? null,
      verification: checked ? { text: checked.text, passed: checked.passed } : null,
      input: passed(i) && call ? call.input : step.input,
      rationale: step.rationale ?? null,
      source: step.source ?? null,
      result: passed(i) ? (call?.result ?? null) : null,
    };
  });
  const report = {
    workflow: detail.workflow,
    workspace: view.workspace,
    alert: { title: view.request.title, severity: view.request.severity, source: view.request.source, labels: view.request.labels },
    summary: view.plan?.summary ?? null,
    steps,
    waiting: view.waiting,
    awaitingResolution: view.state === 'VALIDATING' && view.awaitingResolution ? { until: new Date(view.awaitingResolution.until).toISOString() } : null,
    verification: view.verification ?? null,
    archived: view.archived ?? false,
    next: nextCommands(view),
  };
  // The plan's inputs, the wait and the alert come from the stored view, which keeps secrets as given.
  return redactValue(report) as typeof report;
}
export type WorkflowReport = ReturnType<typeof workflowReport>;

function nextCommands(view: WorkflowView): string[] {
  const w = view.waiting;
  if (view.state === 'WAITING_FOR_PERSON' && w) {
    if (w.kind === 'question') return [`runbook-agent answer ${view.id} ${w.expects === 'number' ? 'NUMBER' : '"VALUE"'}`];
    if (w.kind === 'checklist') {
      const tick = [`runbook-agent tick ${view.id} done --note "WHAT YOU DID"`, `runbook-agent tick ${view.id} skipped --note "WHY NOT"`];
      return w.stepId === CONFIRM_RUNBOOK_STEP ? [...tick, `runbook-agent use-runbook ${view.id} PATH/TO/RUNBOOK.md`] : tick;
    }
    const reject = `runbook-agent reject ${view.id} ${w.stepId} --reason "WHY"`;
    if (w.kind === 'approval' && w.held) {
      return [`runbook-agent tier --workspace ${JSON.stringify(view.workspace)} approved-writes`, `runbook-agent approve ${view.id} ${w.stepId}`, reject];
    }
    if (w.kind === 'approval') return [`runbook-agent approve ${view.id} ${w.stepId}`, reject];
    return [`runbook-agent approve ${view.id}`];
  }
  if (view.state === 'VALIDATING' && view.awaitingResolution) return [`runbook-agent mark-resolved ${view.id} --note "HOW YOU KNOW"`, `runbook-agent escalate ${view.id} --note "WHY"`];
  if (view.state === 'ESCALATED') return [`runbook-agent show ${view.id}`, `runbook-agent resolve ${view.id} --note "WHAT HAPPENED"`];
  return [];
}

const MARK: Record<StepStatus, string> = { done: '✓', failed: '✗', waiting: '⏸', pending: '·', skipped: '–' };

/** The mark a step row starts with: a command that failed or wrote to stderr never reads as a plain ✓. */
function markOf(s: { status: StepStatus; flag: StepFlag | null }): string {
  if (s.flag === 'failed') return '✗';
  if (s.flag === 'flagged') return '⚠';
  return MARK[s.status];
}

function what(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return (text ?? JSON.stringify(input)).replace(/\s*\n\s*/g, ' ⏎ ');
}

function outcome(result: unknown): string {
  const r = (result ?? null) as { exitCode?: unknown; answer?: unknown; series?: unknown; outcome?: unknown } | null;
  if (r === null) return '';
  if (typeof r.exitCode === 'number') return `exit ${r.exitCode}`;
  if (typeof r.answer === 'string') return `answer: ${r.answer}`;
  if (typeof r.outcome === 'string') return r.outcome;
  if (typeof r.series === 'number') return `${r.series} series`;
  return '';
}

export function renderReport(r: WorkflowReport): string {
  const lines = [`workflow ${r.workflow.id}  ${r.workflow.state}`, `alert: ${r.alert.title} (${r.alert.severity}, from ${r.alert.source})`];
  if (r.summary) lines.push(`plan: ${r.summary}`);
  r.steps.forEach((s, i) => {
    const risk = s.risk ?? (s.tool === 'ask_person' ? 'ask' : s.tool === 'checklist' ? 'do' : '');
    const said = [s.result ? outcome(s.result) : '', s.flag === 'flagged' || s.flag === 'failed' || s.flag === 'not-run' ? (s.why ?? s.flag) : ''].filter((x, at, all) => x !== '' && all.indexOf(x) === at);
    lines.push(`  ${markOf(s)} ${String(i + 1).padStart(2)} ${s.id.padEnd(24)} ${risk.padEnd(5)} ${what(s.input)}${said.length ? `   [${said.join(', ')}]` : ''}`);
    if (s.status === 'skipped' && s.why) lines.push(`       ${s.flag === 'declined' ? '' : s.tool === 'checklist' ? '' : 'skipped: '}${s.why}${s.evidence.length ? ` [${s.evidence.join(', ')}]` : ''}`);
    else if (s.tool === 'checklist' && s.why) lines.push(`       ${s.why}`);
    if (s.verification) lines.push(`       verification: ${s.verification.text}`);
  });
  const w = r.waiting;
  if (w?.kind === 'approval') {
    lines.push('', `${w.held ? 'held' : 'waiting for approval'}: step ${w.stepId} (${w.tool}, ${w.risk}): ${w.policy}`, `  runs: ${w.describe}`);
    for (const reason of w.reasons) lines.push(`  why a ${w.risk}: ${reason}`);
    const src = w.source as { path?: string; startLine?: number; endLine?: number; heading?: string } | undefined;
    if (src?.path) lines.push(`  proposed by: ${src.path}:${src.startLine}-${src.endLine}${src.heading ? ` (${src.heading})` : ''}`);
    lines.push(`  input hash: ${w.inputHash}`);
  } else if (w?.kind === 'question') lines.push('', `question for you (${w.name}${w.expects === 'number' ? ', a number' : ''}): ${w.question}`);
  else if (w?.kind === 'checklist') lines.push('', `to do (a runbook instruction for a person): ${w.item}`);
  else if (w) lines.push('', `paused: ${r.workflow.reason ?? w.kind}`);
  else if (r.workflow.state === 'VALIDATING' && r.awaitingResolution) lines.push('', `waits for the alert to resolve until ${r.awaitingResolution.until} (the plan has no verification step); then it escalates`);
  else if (r.workflow.state === 'VALIDATING') lines.push('', 'validating: the plan has no verification step, so the engine waits for the alert to resolve');
  else if (r.workflow.reason && r.workflow.state !== 'COMPLETED') lines.push('', `reason: ${r.workflow.reason}`);
  if (r.next.length > 0) lines.push('', 'next:', ...r.next.map((c) => `  ${c}`));
  return lines.join('\n');
}
