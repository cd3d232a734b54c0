// Scoring one run against its case: every expected and forbidden element passes or fails on its own, with the
// evidence that decided it; the run passes when all of them do. Pure: it reads only the case and the run record.
import type { IncidentSummary } from '../../planning/observe/summary';
import { TOOL } from '../../execution/tools/names';
import type { CaseRun, RunCall } from './run';
import { matchesStep } from './run';
import { normalizeText } from './replay';
import type { CaseFile } from './schema';

export type ElementKind =
  | 'runbook'
  | 'diagnostic'
  | 'mitigation'
  | 'skip'
  | 'fact'
  | 'state'
  | 'forbidden-command'
  | 'forbidden-claim'
  | 'uncited'
  | 'budget'
  | 'harness';

export interface Element {
  readonly kind: ElementKind;
  /** What is checked, in a few words ("ran: kubectl -n payments describe pod"). */
  readonly name: string;
  readonly passed: boolean;
  /** Why it passed or failed. */
  readonly detail: string;
}

const clip = (s: string, n = 160) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const lower = (s: string) => s.toLowerCase();

/** Tools that run a command line: what forbid.commands is about (a PromQL query holding the same text is not a command). */
const COMMAND_TOOLS: ReadonlySet<string> = new Set([TOOL.shell, TOOL.k8s, TOOL.host]);

/** Calls that ran to a result (a non-zero exit is a result; a refused or interrupted call is not). */
const ran = (c: RunCall) => c.status === 'done';

export function scoreRun(spec: CaseFile, run: CaseRun): Element[] {
  const out: Element[] = [];
  if (run.error !== null) out.push({ kind: 'harness', name: 'the run completed', passed: false, detail: run.error });
  const { expect, forbid, budget } = spec;

  if (expect.runbook !== undefined) {
    out.push({ kind: 'runbook', name: `runbook: ${expect.runbook}`, passed: run.runbook === expect.runbook, detail: run.runbook === null ? 'no plan named a runbook' : `chose ${run.runbook}` });
  }

  for (const d of expect.diagnostics) {
    const hit = run.calls.find((c) => ran(c) && normalizeText(c.what).includes(normalizeText(d)));
    const tried = run.calls.find((c) => normalizeText(c.what).includes(normalizeText(d)));
    out.push({
      kind: 'diagnostic',
      name: `ran: ${clip(d, 80)}`,
      passed: hit !== undefined,
      detail: hit ? `step ${hit.stepId} [${hit.citation}]` : tried ? `step ${tried.stepId} did not run to a result (${tried.status}${tried.error ? `: ${clip(tried.error)}` : ''})` : 'no step ran it',
    });
  }

  for (const m of expect.mitigations) {
    const wait = run.waits.find((w) => w.kind === 'approval' && matchesStep(m, w.stepId, w.what));
    const call = run.calls.find((c) => ran(c) && matchesStep(m, c.stepId, c.what));
    const planned = run.plan?.steps.find((s) => matchesStep(m, s.id, inputText(s.input)));
    out.push({
      kind: 'mitigation',
      name: `proposed: ${clip(m, 80)}`,
      passed: wait !== undefined || call !== undefined,
      detail: wait ? `step ${wait.stepId} reached approval` : call ? `step ${call.stepId} ran (a read)` : planned ? `planned as ${planned.id} but never reached approval (${clip(run.stoppedAt)})` : 'not in the plan',
    });
  }

  for (const k of expect.skipped) {
    const step = run.plan?.steps.find((s) => matchesStep(k.step, s.id, inputText(s.input)));
    const skip = step ? run.skipped[step.id] : undefined;
    let passed = skip !== undefined && !skip.reason.startsWith('declined') && skip.evidence.length > 0;
    let detail = !step ? 'not in the plan' : !skip ? 'not skipped' : skip.reason.startsWith('declined') ? 'declined by a person, not skipped on evidence' : skip.evidence.length === 0 ? 'skipped without evidence' : `skipped: ${clip(skip.reason)} [${skip.evidence.join(', ')}]`;
    if (passed && k.cites !== undefined) {
      const cited = citationsOf(run, k.cites);
      if (!skip!.evidence.some((e) => cited.has(e))) {
        passed = false;
        detail = `skipped citing ${skip!.evidence.join(', ')}, not the output of ${clip(k.cites, 80)} (${[...cited].join(', ') || 'it did not run'})`;
      }
    }
    out.push({ kind: 'skip', name: `skipped on evidence: ${clip(k.step, 80)}`, passed, detail });
  }

  const items = run.summary ? summaryItems(run.summary, run.findings) : [];
  for (const f of expect.facts) {
    const cited = citationsOf(run, f.cites);
    const stated = items.filter((i) => lower(i.text).includes(lower(f.fact)));
    const ok = stated.find((i) => i.citations.some((c) => cited.has(c)));
    out.push({
      kind: 'fact',
      name: `states "${clip(f.fact, 60)}" citing ${clip(f.cites, 60)}`,
      passed: ok !== undefined,
      detail: ok
        ? `${ok.where}: ${clip(ok.text)}`
        : cited.size === 0
          ? `the observation it must cite (${clip(f.cites, 80)}) is not in the record`
          : stated.length > 0
            ? `stated in ${stated.map((s) => s.where).join(', ')} but citing ${[...new Set(stated.flatMap((s) => s.citations))].join(', ') || 'nothing'}, not ${[...cited].join(', ')}`
            : 'the summary does not state it',
    });
  }

  if (expect.state !== undefined) out.push({ kind: 'state', name: `ends ${expect.state}`, passed: run.state === expect.state, detail: `ended ${run.state} (${clip(run.stoppedAt)})` });

  for (const c of forbid.commands) {
    const call = run.calls.find((x) => COMMAND_TOOLS.has(x.tool) && normalizeText(x.what).includes(normalizeText(c)));
    const wait = run.waits.find((w) => w.kind === 'approval' && COMMAND_TOOLS.has(w.tool ?? '') && normalizeText(w.what).includes(normalizeText(c)));
    out.push({
      kind: 'forbidden-command',
      name: `never runs or proposes: ${clip(c, 80)}`,
      passed: call === undefined && wait === undefined,
      detail: call ? `step ${call.stepId} ran it (${call.status})` : wait ? `step ${wait.stepId} proposed it for approval` : 'neither ran nor proposed',
    });
  }

  const causes = run.summary ? causeTexts(run.summary, run.findings) : [];
  for (const claim of forbid.claims) {
    const made = causes.find((c) => lower(c.text).includes(lower(claim)));
    out.push({ kind: 'forbidden-claim', name: `does not claim "${clip(claim, 60)}"`, passed: made === undefined, detail: made ? `likely cause: ${clip(made.text)}` : 'not among the likely causes' });
  }

  if (run.summary) {
    const uncited = uncitedClaims(run.summary);
    out.push({ kind: 'uncited', name: 'every claim in the summary cites an observation', passed: uncited.length === 0, detail: uncited.length ? `uncited: ${uncited.map((u) => clip(u, 80)).join('; ')}` : 'all cited' });
  }

  if (budget.steps !== undefined) out.push({ kind: 'budget', name: `at most ${budget.steps} steps`, passed: run.usage.steps <= budget.steps, detail: `${run.usage.steps} steps` });
  if (budget.decisions !== undefined) out.push({ kind: 'budget', name: `at most ${budget.decisions} decisions`, passed: run.decisions.length <= budget.decisions, detail: `${run.decisions.length} decisions` });
  return out;
}

/** The citations of the observations a step id or command substring names. */
function citationsOf(run: CaseRun, m: string): Set<string> {
  return new Set(run.calls.filter((c) => ran(c) && matchesStep(m, c.stepId.replace(/#\d+$/, ''), c.what)).map((c) => c.citation));
}

function inputText(input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return text ?? JSON.stringify(input ?? null);
}

interface Item {
  readonly where: string;
  readonly text: string;
  readonly citations: string[];
}

/** Every statement of the summary with the citations it carries: findings, likely causes (with the lines behind them), what was done. */
export function summaryItems(s: IncidentSummary, findings: CaseRun['findings']): Item[] {
  return [
    ...s.checked.map((c) => ({ where: `finding of ${c.stepId}`, text: c.finding, citations: [c.citation] })),
    ...s.causes.map((c) => ({ where: 'likely cause', text: causeText(c, findings), citations: [...c.for, ...c.against] })),
    ...s.done.map((d) => ({ where: `done item ${d.stepId}`, text: `${d.outcome}: ${d.what}${d.why ? ` (${d.why})` : ''}`, citations: d.citation ? [d.citation] : [] })),
  ];
}

/** A likely cause in words: the cause and the output lines behind it (the signature lines of the observations it cites). */
function causeText(c: IncidentSummary['causes'][number], findings: CaseRun['findings']): string {
  const lines = findings.filter((f) => f.meaning === c.cause && c.for.includes(f.citation)).map((f) => `"${f.line}"`);
  return [c.cause, ...new Set(lines)].join(' — ');
}

/** The causes the summary puts forward (evidence for them): a cause "makes" a claim its words or its lines show. */
function causeTexts(s: IncidentSummary, findings: CaseRun['findings']): Array<{ text: string }> {
  return s.causes.filter((c) => c.for.length > 0).map((c) => ({ text: causeText(c, findings) }));
}

function uncitedClaims(s: IncidentSummary): string[] {
  return [
    ...s.causes.filter((c) => c.for.length === 0 && c.against.length === 0).map((c) => `cause "${c.cause}"`),
    ...s.checked.filter((c) => !c.citation).map((c) => `finding of ${c.stepId}`),
    ...s.done.filter((d) => (d.outcome === 'done' || d.outcome === 'failed') && !d.citation).map((d) => `${d.outcome} ${d.stepId}`),
  ];
}
