// The public runbook corpus (../shared/corpus) as a planner benchmark: every alert rule in alerts.jsonl,
// normalised by engine/control/alert, planned against runbooks/ with runbook_url resolution only (no retrieval).
// Shared by the corpus test and bench/planner.ts so both report the same numbers.
import fs from 'node:fs';
import path from 'node:path';
import { normalizeAlerts } from '../../control/alert';
import { TOOL } from '../../execution/tools/names';
import { messageOf } from '../../control/workflow/failures';
import { Plan } from '../../control/workflow/plan';
import type { AnyTool } from '../../control/workflow/tool';
import { firingAlert, type Rule } from './corpusAlerts';
import { RunbookPlanner } from './planner';

export interface CorpusReport {
  alerts: number;
  planned: number;
  /** Plans whose runbook is the one alerts.jsonl links the rule to. */
  labelledChosen: number;
  /** Plans that failed Plan validation (should be 0). */
  invalidPlans: number;
  failures: Record<string, number>;
  chosenBy: Record<string, number>;
  steps: number;
  stepsByPhase: Record<string, number>;
  writes: number;
  questions: number;
  promqlSteps: number;
  expressionChecks: number;
  /** Plans with no command from the runbook (only questions and the alert-expression check). */
  plansWithoutRunbookSteps: number;
  /** Up to 20 alerts whose chosen runbook differs from the labelled one. */
  misses: Array<{ alert: string; labelled: string; chosen: string | null; reason: string }>;
  /** Where the plans' steps came from: the runbook's fences, its prose, built-in diagnostics. */
  stepsByOrigin: Record<string, number>;
  checklistSteps: number;
  /** Alerts whose plan has a diagnostic that runs without a person (a read, no question) and uses a label value. */
  alertsWithLabelledDiagnostic: number;
  /** Up to 20 alerts without one. */
  withoutLabelledDiagnostic: string[];
  /** Runbook steps whose words (label values aside) are not all in their source lines (must be 0). */
  inventedCommands: number;
  inventedExamples: string[];
  ms: number;
}

interface RuleLine {
  alert: string;
  runbook: string;
  [k: string]: unknown;
}

/** What the machine offers: `toolsets` adds kubectl and Prometheus (their built-in diagnostics) to the shell. */
export type CorpusSetup = 'shell' | 'toolsets';

const toolsFor = (setup: CorpusSetup) =>
  [TOOL.shell, TOOL.promql, TOOL.ask, TOOL.checklist, ...(setup === 'toolsets' ? [TOOL.k8s, TOOL.prometheusAlert] : [])].map((name) => ({ name }) as unknown as AnyTool);

/**
 * Each alert rule as the firing alert it would be (with the labels its templates print: corpusAlerts.ts), planned
 * by the runbook planner with runbook_url resolution only (no retrieval).
 */
export async function evaluateCorpus(corpusDir: string, setup: CorpusSetup = 'shell'): Promise<CorpusReport> {
  const workspace = path.join(corpusDir, 'runbooks');
  const lines = fs.readFileSync(path.join(corpusDir, 'alerts.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const planner = new RunbookPlanner({ context: { workspace, search: async () => [], tools: toolsFor(setup) } });
  const r: CorpusReport = { alerts: lines.length, planned: 0, labelledChosen: 0, invalidPlans: 0, failures: {}, chosenBy: {}, steps: 0, stepsByPhase: {}, writes: 0, questions: 0, promqlSteps: 0, expressionChecks: 0, plansWithoutRunbookSteps: 0, misses: [], stepsByOrigin: {}, checklistSteps: 0, alertsWithLabelledDiagnostic: 0, withoutLabelledDiagnostic: [], inventedCommands: 0, inventedExamples: [], ms: 0 };
  const sources = new Map<string, string[]>();
  const sourceLines = (rel: string) => sources.get(rel) ?? sources.set(rel, fs.readFileSync(path.join(workspace, rel), 'utf8').split('\n')).get(rel)!;
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const t0 = performance.now();
  for (const line of lines) {
    const rule = JSON.parse(line) as RuleLine;
    // The label is the answer: the planner must find it from runbook_url, not be handed it.
    const { runbook: labelled, link: _link, ...given } = rule;
    let chosen: string | null = null;
    let reason = '';
    try {
      const fired = firingAlert(rule as unknown as Rule);
      const [plain] = normalizeAlerts(given, 'corpus');
      // The rule's own fields (runbook_url, expr) with the labels a firing alert carries.
      const request = { ...plain!, labels: { ...plain!.labels, ...fired.labels }, annotations: { ...plain!.annotations, ...fired.annotations, ...(plain!.annotations.runbook_url ? { runbook_url: plain!.annotations.runbook_url } : {}) } };
      const result = await planner.plan({ workflowId: `corpus-${r.planned}`, request, replans: 0, feedback: null, rejected: [] }, new AbortController().signal);
      const parsed = Plan.safeParse(result.plan);
      if (!parsed.success) {
        r.invalidPlans++;
        continue;
      }
      r.planned++;
      chosen = result.trace?.route?.choice.replace(/^runbook:/, '') ?? null;
      reason = result.trace?.route?.reason ?? '';
      bump(r.chosenBy, reason.startsWith('annotations.runbook_url') ? 'runbook_url' : reason.includes('front matter') ? 'front matter' : reason.includes('named after') ? 'file name' : 'retrieval');
      if (parsed.data.steps.every((s) => s.tool === TOOL.ask || s.id === 'verify-alert-expression')) r.plansWithoutRunbookSteps++;
      const values = Object.entries(request.labels).filter(([k, v]) => k !== 'severity' && v.length >= 3).map(([, v]) => v);
      const labelled = parsed.data.steps.some((s) => {
        const text = JSON.stringify(s.input);
        return s.phase === 'diagnose' && s.risk === 'read' && s.tool !== TOOL.ask && s.tool !== TOOL.checklist && !text.includes('{{answer:') && values.some((v) => text.includes(v));
      });
      if (labelled) r.alertsWithLabelledDiagnostic++;
      else if (r.withoutLabelledDiagnostic.length < 20) r.withoutLabelledDiagnostic.push(rule.alert);
      for (const s of parsed.data.steps) {
        bump(r.stepsByOrigin, s.origin === 'builtin' ? 'builtin' : s.tool === TOOL.checklist ? 'checklist' : s.tool === TOOL.ask ? 'question' : (s.source?.form ?? 'engine'));
        if (s.tool === TOOL.checklist) r.checklistSteps++;
        if (s.source && s.origin === 'runbook' && (s.tool === TOOL.shell || s.tool === TOOL.promql)) {
          const text = String((s.input as { command?: string; query?: string }).command ?? (s.input as { query?: string }).query ?? '');
          const lines = sourceLines(s.source.path).slice(s.source.startLine - 1, s.source.endLine).join('\n');
          let rest = text.replace(/\{\{answer:[^}]*\}\}/g, ' ');
          // Values as the conventions give them too (instance "worker-1:9100" names the node worker-1).
          for (const v of [...values, ...values.map((x) => x.replace(/:\d+$/, ''))]) rest = rest.split(v).join(' ');
          const missing = rest.split(/\s+/).filter((w) => w.length > 2 && !/^['"]+$/.test(w)).filter((w) => !lines.includes(w.replace(/^['"]|['"]$/g, '')));
          if (missing.length > 0) {
            r.inventedCommands++;
            if (r.inventedExamples.length < 10) r.inventedExamples.push(`${s.source.path}:${s.source.startLine}: ${missing.join(' ')}`);
          }
        }
        r.steps++;
        bump(r.stepsByPhase, s.phase ?? 'none');
        if (s.risk === 'write') r.writes++;
        if (s.tool === TOOL.ask) r.questions++;
        if (s.tool === TOOL.promql) r.promqlSteps++;
        if (s.id === 'verify-alert-expression') r.expressionChecks++;
      }
    } catch (error) {
      reason = messageOf(error);
      bump(r.failures, reason.replace(/ for alert \S+.*| \S+\.md.*|: .*/, ''));
    }
    if (chosen === labelled) r.labelledChosen++;
    else if (r.misses.length < 20) r.misses.push({ alert: rule.alert, labelled, chosen, reason: reason.slice(0, 200) });
  }
  r.ms = Math.round(performance.now() - t0);
  return r;
}
