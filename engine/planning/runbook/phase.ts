// Phase of a runbook step from the headings above it. The deepest heading that names a phase decides
// ("Mitigation > Check the pods again" is a diagnose step); a step under no such heading is judged by its
// command (reads diagnose, writes mitigate).
import type { Phase } from '../../control/workflow/plan';

const WORDS: ReadonlyArray<readonly [RegExp, Phase]> = [
  [/^(diagnos\w*|investigat\w*|troubleshoot\w*|checks?|checking|symptoms?|triage)$/, 'diagnose'],
  [/^(mitigat\w*|remediat\w*|resolution|resolve|resolving|fix|fixes|fixing|recover\w*|workarounds?)$/, 'mitigate'],
  [/^(verif\w*|validat\w*|confirm\w*)$/, 'verify'],
];

/** The phase a heading names by its first word (after numbering such as "1." or "Step 2:"), or null. */
export function phaseOfHeading(heading: string): Phase | null {
  const words = heading
    .toLowerCase()
    .replace(/^\s*(step\s*)?[\d.)]+[:.)]?\s*/, '')
    .split(/[^a-z]+/)
    .filter(Boolean);
  const first = words[0];
  if (!first) return null;
  for (const [re, phase] of WORDS) if (re.test(first)) return phase;
  return null;
}

export function phaseOfSection(sectionPath: readonly string[]): Phase | null {
  for (let i = sectionPath.length - 1; i >= 0; i--) {
    const p = phaseOfHeading(sectionPath[i]!);
    if (p) return p;
  }
  return null;
}

export const PHASE_ORDER: Record<Phase, number> = { diagnose: 0, mitigate: 1, verify: 2 };
