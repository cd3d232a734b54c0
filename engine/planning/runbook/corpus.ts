// The public runbook corpus (../shared/corpus) as a planner benchmark: every alert rule in alerts.jsonl,
// normalised by engine/alert, planned against runbooks/ with runbook_url resolution only (no retrieval).
// Shared by the corpus test and bench/planner.ts so both report the same numbers.
import fs from 'node:fs';
import path from 'node:path';
import { normalizeAlerts } from '../../alert';
import { TOOL } from '../../tools/names';
import { messageOf } from '../../workflow/failures';
import { Plan } from '../../workflow/plan';
import type { AnyTool } from '../../workflow/tool';
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
  ms: number;
}

interface RuleLine {
  alert: string;
  runbook: string;
  [k: string]: unknown;
}

const tools = [TOOL.shell, TOOL.promql, TOOL.ask].map((name) => ({ name }) as unknown as AnyTool);

export async function evaluateCorpus(corpusDir: string): Promise<CorpusReport> {
  const workspace = path.join(corpusDir, 'runbooks');
  const lines = fs.readFileSync(path.join(corpusDir, 'alerts.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const planner = new RunbookPlanner({ context: { workspace, search: async () => [], tools } });
  const r: CorpusReport = { alerts: lines.length, planned: 0, labelledChosen: 0, invalidPlans: 0, failures: {}, chosenBy: {}, steps: 0, stepsByPhase: {}, writes: 0, questions: 0, promqlSteps: 0, expressionChecks: 0, plansWithoutRunbookSteps: 0, misses: [], ms: 0 };
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const t0 = performance.now();
  for (const line of lines) {
    const rule = JSON.parse(line) as RuleLine;
    // The label is the answer: the planner must find it from runbook_url, not be handed it.
    const { runbook: labelled, link: _link, ...given } = rule;
    let chosen: string | null = null;
    let reason = '';
    try {
      const [request] = normalizeAlerts(given, 'corpus');
      const result = await planner.plan({ workflowId: `corpus-${r.planned}`, request: request!, replans: 0, feedback: null, rejected: [] }, new AbortController().signal);
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
      for (const s of parsed.data.steps) {
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
