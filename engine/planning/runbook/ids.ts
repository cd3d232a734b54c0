// Plan step ids. Rejections and idempotency keys refer to them, so the same runbook must give the same ids on
// every plan: the fence's `name` (slugified) when it has one, else the section's title and the step's place in
// it (`diagnosis-2`), which a person can type in `runbook-agent approve ID STEP`.
import type { Step } from '../../memory/runbook';

export function slug(text: string, max = 60): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** Ids for every step of a runbook, unique, in document order (computed over all steps, before any is skipped). */
export function stepIds(steps: readonly Step[]): Map<Step, string> {
  const used = new Set<string>();
  const ids = new Map<Step, string>();
  const perSection = new Map<string, number>();
  for (const s of steps) {
    const section = slug(s.sectionPath.at(-1) ?? '') || 'step';
    const n = (perSection.get(section) ?? 0) + 1;
    perSection.set(section, n);
    const base = (s.name && slug(s.name)) || `${section}-${n}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(s, id);
  }
  return ids;
}

export function askId(answer: string): string {
  return `ask-${slug(answer.replace(/_/g, '-'), 90) || 'value'}`;
}

export const EXPR_CHECK_ID = 'verify-alert-expression';
