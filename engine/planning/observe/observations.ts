// What the steps of a workflow returned, read for the decisions that follow and for the incident summary: each
// tool call becomes an observation (redacted, size-capped, cited by its tool-call id) with the findings in its
// output. A failed command is flagged, and so is one that exited 0 but wrote errors to stderr: never a plain ✓.
import { redactText } from '../../redact';
import type { CallRecord } from '../../workflow/decision';
import type { Phase, Plan } from '../../workflow/plan';
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
  /** The line of output that matched (redacted, clipped). */
  readonly line: string;
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
  readonly findings: readonly Finding[];
}

const OUTPUT_CHARS = 4000;

export const citation = (key: string): string => `tc:${key.slice(0, 12)}`;

function whatRan(input: unknown): string {
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

export function findingsIn(text: string): Finding[] {
  const out: Finding[] = [];
  for (const s of SIGNATURES) {
    const m = s.pattern.exec(text);
    if (!m) continue;
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = text.indexOf('\n', m.index + m[0].length);
    const line = text.slice(start, end < 0 ? undefined : end).trim();
    out.push({ signature: s.id, meaning: s.meaning, hint: s.hint, line: line.length > 200 ? `${line.slice(0, 199)}…` : line });
  }
  return out;
}

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
    out.push({ id: citation(c.id), key: c.id, stepId: step.id, tool: c.tool, phase: step.phase ?? 'diagnose', what: whatRan(c.input), status, why, exitCode, output, findings: findingsIn(redacted) });
  }
  return out;
}
