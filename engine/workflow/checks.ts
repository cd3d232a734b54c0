import type { Check } from './plan';

/**
 * VALIDATING: does a verification step's output show the problem is fixed? Returns what did not hold (the
 * evidence an escalation carries), or an empty list. Reads the shapes of engine/tools outputs: shell
 * {exitCode, stdout}, promql {series, result}.
 */
export function failedChecks(check: Check, output: unknown): string[] {
  const o = (output ?? {}) as { exitCode?: unknown; stdout?: unknown; series?: unknown; result?: unknown };
  const text = typeof o.stdout === 'string' ? o.stdout : JSON.stringify(output ?? null);
  const problems: string[] = [];
  if (check.exitCode !== undefined && o.exitCode !== check.exitCode) problems.push(`exit code ${String(o.exitCode)}, expected ${check.exitCode}`);
  if (check.contains !== undefined && !text.includes(check.contains)) problems.push(`output does not contain ${JSON.stringify(check.contains)}`);
  if (check.lessThan !== undefined) {
    const n = firstNumber(o);
    if (n === null || !(n < check.lessThan)) problems.push(`value ${n ?? 'missing'} is not below ${check.lessThan}`);
  }
  if (check.empty === true) {
    const empty = typeof o.series === 'number' ? o.series === 0 : text.trim() === '';
    if (!empty) problems.push(typeof o.series === 'number' ? `the query still returns ${o.series} series` : 'output is not empty');
  }
  return problems;
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
