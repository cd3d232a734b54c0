// A runbook step's condition ("If the flag is on (`new_pricing=on`), turn it off") checked against what the
// diagnostics printed. Only what the outputs can show decides: a literal in backticks that appears in an output
// holds; a `key=value` whose key appears with another value does not; a known failure signature named in the
// condition holds when a diagnostic showed it. Anything else stays undecided, and the step stays in the plan.
import { isProseCommand } from '../../memory/runbook/prose';
import { SIGNATURES, type Observation } from './observations';

export interface ConditionVerdict {
  /** true: holds; false: the outputs show it does not; null: they cannot tell. */
  readonly holds: boolean | null;
  readonly why: string;
  /** Citations of the observations that showed it. */
  readonly evidence: string[];
}

const KEY_VALUE = /^([A-Za-z_][\w.-]*)\s*(=|:)\s*(\S.*)$/;

/** The sentence of a runbook that states a condition, or undefined. */
export function conditionOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  // Code spans are kept whole: a `.` inside backticks (`data.db`) does not end the sentence.
  const spans: string[] = [];
  const flat = text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/`[^`]*`/g, (m) => `\u0000${spans.push(m) - 1}\u0000`);
  const m = /(?:^|[.!?]\s+)((?:if|when|unless|in case|only if)\b[^.!?]*[.!?]?)/i.exec(flat);
  if (!m) return undefined;
  const sentence = m[1]!.replace(/\u0000(\d+)\u0000/g, (_, i: string) => spans[Number(i)]!).trim();
  return sentence.length > 500 ? `${sentence.slice(0, 499)}…` : sentence;
}

export function evaluateCondition(condition: string, observations: readonly Observation[]): ConditionVerdict {
  const ran = observations.filter((o) => o.status !== 'not-run');
  const negated = /^\s*unless\b/i.test(condition);
  const flip = (v: ConditionVerdict): ConditionVerdict => (negated && v.holds !== null ? { ...v, holds: !v.holds } : v);
  const literals = [...condition.matchAll(/`([^`\n]{1,200})`/g)].map((m) => m[1]!.trim()).filter((l) => l !== '' && !isProseCommand(l));
  for (const literal of literals) {
    const shown = ran.filter((o) => o.output.includes(literal));
    if (shown.length > 0) return flip({ holds: true, why: `\`${literal}\` appears in the output of ${shown.map((o) => o.stepId).join(', ')}`, evidence: shown.map((o) => o.id) });
    const kv = KEY_VALUE.exec(literal);
    if (kv) {
      const [, key, sep] = kv;
      const other = new RegExp(`(^|[^\\w.-])${escape(key!)}\\s*${escape(sep!)}\\s*(?!${escape(kv[3]!)}(?:\\s|$))(\\S+)`, 'm');
      const contrary = ran.filter((o) => other.test(o.output));
      if (contrary.length > 0) {
        const seen = other.exec(contrary[0]!.output)!;
        return flip({ holds: false, why: `the output of ${contrary.map((o) => o.stepId).join(', ')} shows \`${key}${sep}${seen[2]}\`, not \`${literal}\``, evidence: contrary.map((o) => o.id) });
      }
    }
  }
  for (const s of SIGNATURES) {
    if (!s.pattern.test(condition)) continue;
    const shown = ran.filter((o) => o.findings.some((f) => f.signature === s.id));
    if (shown.length > 0) return flip({ holds: true, why: `${s.meaning}: seen in ${shown.map((o) => o.stepId).join(', ')}`, evidence: shown.map((o) => o.id) });
  }
  return { holds: null, why: 'the diagnostics do not show whether it holds', evidence: [] };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
