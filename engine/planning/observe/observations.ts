// What the steps of a workflow returned, read for the decisions that follow and for the incident summary: each
// tool call becomes an observation (redacted, size-capped, cited by its tool-call id) with the findings in its
// output. A failed command is flagged, and so is one that exited 0 but wrote errors to stderr: never a plain ✓.
import { redactText } from '../../execution/redact';
import type { CallRecord } from '../../control/workflow/decision';
import type { Phase, Plan } from '../../control/workflow/plan';
import { salientFacts } from './facts';
import { levelRank, parseLogLine, type Level } from './logs';
import { describeQueryInput, queryHeadline } from './queryText';
import data from './signatures.json';

export interface Signature {
  readonly id: string;
  readonly pattern: RegExp;
  readonly meaning: string;
  readonly hint: string;
}

export const SIGNATURES: readonly Signature[] = data.signatures.map((s) => ({ ...s, pattern: new RegExp(s.pattern, 'im') }));

export interface Finding {
  readonly signature: string;
  readonly meaning: string;
  readonly hint: string;
  /** The line of output that matched (redacted, clipped): of the lines that match, the most severe one. */
  readonly line: string;
  /** The level that line printed (`level=warn`, `WARN`, klog's `W`), when it printed one. */
  readonly level?: Level | null;
  /**
   * Every line that matched printed a level that says the program did not count it as the failure: lower than
   * the output's most severe lines (a WARN about a metrics push beside the ERROR that stopped the program, in
   * `below`) or than another output's in the same incident (summary.ts), or INFO/DEBUG at all (kubelet logs each
   * failed probe as an `I` line). Said in the finding, not put forward as a likely cause.
   */
  readonly minor?: { readonly level: Level; readonly below?: Level; /** The output that printed `below`, when another (summary.ts). */ readonly in?: string };
  /** Every line that matched names another object than the alert's (`pod/collector-x9k2w`, aboutAlert.ts): not a cause. */
  readonly other?: string;
}

export type ObservationStatus = 'ok' | 'flagged' | 'failed' | 'not-run';

export interface Observation {
  /** Citation id: the tool call's idempotency key, shortened for people (`tc:` + 12 hex). */
  readonly id: string;
  readonly key: string;
  readonly stepId: string;
  readonly tool: string;
  readonly phase: Phase;
  /** What ran, as a person reads it (the command, the query). */
  readonly what: string;
  readonly status: ObservationStatus;
  /** Why flagged or failed: "exit 2", "wrote to stderr". */
  readonly why: string | null;
  readonly exitCode: number | null;
  /** The output a person or a model reads: stdout and stderr (or the query result), redacted and capped. */
  readonly output: string;
  /** A Prometheus answer in one line (each series' labels and value, redacted), else null: queryText.ts. */
  readonly headline: string | null;
  /**
   * What the output shows in a few short facts (facts.ts), read from the whole redacted output, not the capped
   * `output`: a describe's events come at its end. Empty for a query answered in `headline`.
   */
  readonly facts: readonly string[];
  readonly findings: readonly Finding[];
  /** The most severe level the output's lines printed (`level=error`, klog's `E`), or null when none printed one. */
  readonly level: Level | null;
}

const OUTPUT_CHARS = 4000;
/** Characters of an output read for facts. */
const FACTS_CHARS = 200_000;

export const citation = (key: string): string => `tc:${key.slice(0, 12)}`;

function whatRan(tool: string, input: unknown): string {
  const described = describeQueryInput(tool, input);
  if (described !== null) return described;
  const i = (input ?? {}) as Record<string, unknown>;
  const text = [i.command, i.query, i.question, i.item, i.url, i.path].find((v) => typeof v === 'string') as string | undefined;
  return text ?? JSON.stringify(input);
}

function outputOf(result: unknown, error: string | null): { text: string; exitCode: number | null; stderr: string } {
  if (result === null || result === undefined) return { text: error ?? '', exitCode: null, stderr: '' };
  const r = result as { stdout?: unknown; stderr?: unknown; exitCode?: unknown; series?: unknown; result?: unknown; body?: unknown; answer?: unknown; outcome?: unknown };
  if (typeof r.stdout === 'string' || typeof r.stderr === 'string') {
    const stdout = typeof r.stdout === 'string' ? r.stdout : '';
    const stderr = typeof r.stderr === 'string' ? r.stderr : '';
    return { text: stderr ? `${stdout}${stdout && !stdout.endsWith('\n') ? '\n' : ''}[stderr]\n${stderr}` : stdout, exitCode: typeof r.exitCode === 'number' ? r.exitCode : null, stderr };
  }
  if (typeof r.answer === 'string') return { text: `answer: ${r.answer}`, exitCode: null, stderr: '' };
  if (typeof r.outcome === 'string') return { text: r.outcome, exitCode: null, stderr: '' };
  return { text: JSON.stringify(result), exitCode: null, stderr: '' };
}

/** Matches looked at per signature (the line shown is the most severe of them). */
const MATCHES = 200;
/** Lines read for the output's most severe printed level. */
const LEVEL_LINES = 5000;

/** The level a line printed, or null (a level only inferred from its words does not count). */
function printedLevel(line: string): Level | null {
  if (line.trim() === '') return null;
  const l = parseLogLine(line);
  return l.explicit ? l.level : null;
}

/** The failure signatures an output matched, and the most severe level its lines printed (null: none printed one). */
export function readOutput(text: string): { findings: Finding[]; top: Level | null } {
  const out: Finding[] = [];
  // Where each line starts, and the level each printed: the output's most severe printed level is the bar.
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const levels = new Map<number, Level | null>();
  const levelAt = (lineNo: number) => {
    if (!levels.has(lineNo)) levels.set(lineNo, printedLevel(text.slice(starts[lineNo]!, (starts[lineNo + 1] ?? text.length + 1) - 1)));
    return levels.get(lineNo)!;
  };
  let top: Level | null = null;
  for (let n = 0; n < Math.min(starts.length, LEVEL_LINES); n++) {
    const l = levelAt(n);
    if (l !== null && (top === null || levelRank(l) > levelRank(top))) top = l;
  }
  const lineOf = (index: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const s of SIGNATURES) {
    const re = new RegExp(s.pattern.source, 'gim');
    let best: { m: RegExpExecArray; level: Level | null; rank: number } | null = null;
    let seen = 0;
    for (let m = re.exec(text); m !== null && seen < MATCHES; m = re.exec(text), seen++) {
      if (m[0].length === 0) re.lastIndex++;
      const level = levelAt(lineOf(m.index));
      // A line that printed no level is not known to be minor: it ranks with the output's most severe lines.
      const rank = level === null ? (top === null ? 0 : levelRank(top)) - 0.5 : levelRank(level);
      if (best === null || rank > best.rank) best = { m, level, rank };
    }
    if (best === null) continue;
    const { m, level } = best;
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index + m[0].length);
    const line = text.slice(start, end < 0 ? undefined : end).trim();
    const below = level !== null && top !== null && levelRank(level) < levelRank(top);
    const minor = level !== null && (below || levelRank(level) <= levelRank('info')) ? { level, ...(below ? { below: top! } : {}) } : undefined;
    out.push({ signature: s.id, meaning: s.meaning, hint: s.hint, line: line.length > 200 ? `${line.slice(0, 199)}…` : line, level, ...(minor ? { minor } : {}) });
  }
  return { findings: out, top };
}

export const findingsIn = (text: string): Finding[] => readOutput(text).findings;

/** The latest call of each step that ran, in plan order. */
export function observe(plan: Plan, calls: readonly CallRecord[]): Observation[] {
  const latest = new Map<string, CallRecord>();
  for (const c of calls) latest.set(c.stepId, c);
  const out: Observation[] = [];
  for (const step of plan.steps) {
    const c = latest.get(step.id);
    if (!c) continue;
    const { text, exitCode, stderr } = outputOf(c.result, c.error);
    const redacted = redactText(text);
    const output = redacted.length > OUTPUT_CHARS ? `${redacted.slice(0, OUTPUT_CHARS)}…` : redacted;
    let status: ObservationStatus = 'ok';
    let why: string | null = null;
    if (c.status === 'failed' || c.status === 'unknown') [status, why] = ['failed', c.error ?? c.status];
    else if (c.status === 'intended') [status, why] = ['not-run', 'started, no result recorded'];
    else if (exitCode !== null && exitCode !== 0) [status, why] = ['failed', `exit ${exitCode}`];
    else if (stderr.trim() !== '') [status, why] = ['flagged', 'wrote to stderr'];
    const headline = c.status === 'done' ? queryHeadline(c.tool, c.result) : null;
    const what = whatRan(c.tool, c.input);
    const facts = headline === null && c.status !== 'intended' ? salientFacts(redacted.slice(0, FACTS_CHARS), what) : [];
    const read = readOutput(redacted);
    out.push({ id: citation(c.id), key: c.id, stepId: step.id, tool: c.tool, phase: step.phase ?? 'diagnose', what, status, why, exitCode, output, headline: headline === null ? null : redactText(headline), facts, findings: read.findings, level: read.top });
  }
  return out;
}
