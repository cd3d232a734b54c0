import { bindAnswers } from './answers';
import type { Check } from './plan';

/** A verification check against one output, in words: what was measured, against what, and whether it held. */
export interface CheckResult {
  readonly passed: boolean;
  /** "1 < 10 ✓", "exit 1, expected 0 ✗": the value against its threshold. */
  readonly text: string;
  /** What did not hold (the evidence an escalation carries); empty when it passed. */
  readonly problems: string[];
}

/**
 * VALIDATING: does a verification step's output show the problem is fixed? Reads the shapes of engine/execution/tools
 * outputs: shell {exitCode, stdout}, promql {series, result}. `answers` fill a threshold a person gave.
 */
export function evaluateCheck(check: Check, output: unknown, answers: Readonly<Record<string, string>> = {}): CheckResult {
  const o = (output ?? {}) as { exitCode?: unknown; stdout?: unknown; series?: unknown; result?: unknown };
  const text = typeof o.stdout === 'string' ? o.stdout : JSON.stringify(output ?? null);
  const parts: string[] = [];
  const problems: string[] = [];
  const say = (ok: boolean, shown: string, problem: string) => {
    parts.push(`${shown} ${ok ? '✓' : '✗'}`);
    if (!ok) problems.push(problem);
  };
  if (check.exitCode !== undefined) say(o.exitCode === check.exitCode, `exit ${String(o.exitCode)}${o.exitCode === check.exitCode ? '' : `, expected ${check.exitCode}`}`, `exit code ${String(o.exitCode)}, expected ${check.exitCode}`);
  if (check.contains !== undefined) {
    const ok = text.includes(check.contains);
    say(ok, `output ${ok ? 'contains' : 'does not contain'} ${JSON.stringify(check.contains)}`, `output does not contain ${JSON.stringify(check.contains)}`);
  }
  if (check.lessThan !== undefined) {
    const limit = typeof check.lessThan === 'number' ? check.lessThan : Number(bindAnswers(check.lessThan, answers));
    const n = firstNumber(o);
    const ok = n !== null && Number.isFinite(limit) && n < limit;
    say(ok, ok ? `${n} < ${limit}` : `${n ?? 'no value'} is not below ${Number.isFinite(limit) ? limit : 'the threshold'}`, `value ${n ?? 'missing'} is not below ${Number.isFinite(limit) ? limit : 'the threshold'}`);
  }
  if (check.empty === true) {
    const series = typeof o.series === 'number' ? o.series : null;
    const ok = series !== null ? series === 0 : text.trim() === '';
    const shown = series !== null ? (ok ? 'no series returned' : `${series} series still returned`) : ok ? 'no output' : 'output is not empty';
    say(ok, shown, series !== null ? `the query still returns ${series} series` : 'output is not empty');
  }
  return { passed: problems.length === 0, text: parts.join(', '), problems };
}

/** What did not hold, or an empty list (the shape callers used before results had words). */
export function failedChecks(check: Check, output: unknown): string[] {
  return evaluateCheck(check, output).problems;
}

function firstNumber(o: { stdout?: unknown; result?: unknown }): number | null {
  if (Array.isArray(o.result)) {
    // A PromQL vector sample is [timestamp, "value"]: the value, not the timestamp.
    const v = (o.result[0] as { value?: unknown } | undefined)?.value;
    const n = Array.isArray(v) ? Number(v[1]) : NaN;
    return Number.isFinite(n) ? n : null;
  }
  const m = typeof o.stdout === 'string' ? /-?\d+(?:\.\d+)?/.exec(o.stdout) : null;
  return m ? Number(m[0]) : null;
}

/** A short excerpt of a step's output for evidence, so an escalation shows what was seen. */
export function excerpt(output: unknown, max = 400): string {
  const o = output as { stdout?: unknown } | null;
  const text = typeof o?.stdout === 'string' ? o.stdout : JSON.stringify(output ?? null);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
