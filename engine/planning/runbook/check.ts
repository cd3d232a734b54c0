// Verification checks. A fence may say what "fixed" looks like with an `expect` attribute (README.md);
// values in it may name alert labels, filled here as plain text (a check is data, never run).
import { findPlaceholders, type Step } from '../../memory/runbook';
import { Check } from '../../control/workflow/plan';
import type { AlertRequest } from '../../control/workflow/request';
import { answerMarker } from '../../control/workflow/answers';
import { answerName, valueFor } from './values';

export interface CheckResult {
  readonly check: Check | undefined;
  readonly note?: string;
  /** A threshold the alert does not carry: a person gives it (a number), never a silently weaker check. */
  readonly asks?: ReadonlyMap<string, { raw: string; expects: 'number'; reason: string }>;
}

/** The step's check: its `expect` attribute, else exit code 0 for shell steps (PromQL has no exit code). */
export function checkFor(step: Step, request: AlertRequest, own: Readonly<Record<string, string>> = {}): CheckResult {
  const fallback: Check | undefined = step.kind === 'shell' ? { exitCode: 0 } : undefined;
  const raw = step.attributes.expect;
  if (raw === undefined) return { check: fallback };
  const spec = typeof raw === 'string' ? parseJson(raw) : raw;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return { check: fallback, note: `step at line ${step.startLine}: expect is not an object; exit code 0 is checked instead` };
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const asks = new Map<string, { raw: string; expects: 'number'; reason: string }>();
  for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
    const v = typeof value === 'string' ? fillText(value, request, own) : value;
    if (v === undefined && key === 'lessThan' && typeof value === 'string') {
      // The threshold is the whole point of the check: ask a person for it rather than check less.
      const p = findPlaceholders(value, { shell: false })[0];
      if (p && value.trim() === p.raw) {
        const name = answerName(p);
        asks.set(name, { raw: p.raw, expects: 'number', reason: `The alert does not carry the threshold ${p.raw} this verification compares against.` });
        out[key] = answerMarker(name);
        continue;
      }
    }
    if (v === undefined) {
      problems.push(`${key}: the alert has no value for ${JSON.stringify(value)}`);
      continue;
    }
    if (key === 'lessThan' || key === 'exitCode') {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (typeof out[key] === 'string') continue;
      if (Number.isFinite(n)) out[key] = n;
      else problems.push(`${key}: ${JSON.stringify(v)} is not a number`);
    } else if (key === 'empty') out[key] = v === true || v === 'true';
    else out[key] = v;
  }
  const parsed = Check.safeParse(out);
  if (!parsed.success) problems.push(parsed.error.issues.map((i) => `${i.path.join('.') || 'expect'}: ${i.message}`).join('; '));
  const check = parsed.success && Object.keys(parsed.data).length > 0 ? parsed.data : fallback;
  const note = problems.length ? `step at line ${step.startLine}: expect ${problems.join('; ')}${check === fallback ? '; exit code 0 is checked instead' : ''}` : undefined;
  return { check, ...(note ? { note } : {}), ...(asks.size > 0 ? { asks } : {}) };
}

/** Placeholders in a check value, filled from the alert; undefined when one has no value. */
function fillText(text: string, request: AlertRequest, own: Readonly<Record<string, string>>): string | undefined {
  let out = text;
  for (const p of findPlaceholders(text, { shell: false })) {
    const v = valueFor(p, request, own);
    if (v === undefined) return undefined;
    out = out.split(p.raw).join(v);
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The alert rule's expression: annotations.expr, else `g0.expr` in the generator URL Prometheus links to. */
export function alertExpression(request: AlertRequest): string | undefined {
  const expr = request.annotations.expr?.trim();
  if (expr) return expr;
  if (!request.generatorURL) return undefined;
  try {
    return new URL(request.generatorURL).searchParams.get('g0.expr')?.trim() || undefined;
  } catch {
    return undefined;
  }
}
