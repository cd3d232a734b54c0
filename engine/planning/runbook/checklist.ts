// Runbook instructions that are not commands ("Talk with developers…", "Check pod template parameters such as
// priority, resources, probes") become checklist steps a person ticks, so a runbook of prose still gives a person
// the next thing to do. Only instructions: a list item or paragraph in a diagnose or mitigate section that starts
// with a verb of doing, with its nested details folded in.
import type { ParsedRunbook, ProseItem } from '../../memory/runbook';
import type { Phase } from '../../control/workflow/plan';
import { phaseOfSection } from './phase';

export interface ChecklistItem {
  readonly phase: Phase;
  readonly item: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly heading: string;
}

/** At most this many per phase: a checklist longer than that is the runbook to read, not steps to tick. */
export const MAX_PER_PHASE = 3;

const VERBS = /^(check|verify|ensure|make sure|talk|contact|ask|escalate|review|look|inspect|confirm|consider|identify|investigate|determine|find|compare|validate|open|read|follow|notify|page|increase|decrease|scale|delete|remove|add|update|upgrade|roll ?back|reduce|fix|adjust|set|enable|disable|drain|cordon|move|free|clean|restart|reschedule|wait|monitor|watch|collect|gather|capture|file|create|rotate|renew|replace)\b/i;

function plain(markdown: string): string {
  return markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1').replace(/\s*\n\s*/g, ' ').trim();
}

export function checklistItems(runbook: ParsedRunbook): ChecklistItem[] {
  const out: ChecklistItem[] = [];
  const perPhase = new Map<Phase, number>();
  const prose = runbook.prose;
  // Text right before a command ("Read the end of its log:" + a fence) introduces that step; it is not a to-do.
  const introduces = (p: ProseItem) => runbook.steps.some((s) => s.startLine > p.endLine && s.startLine <= p.endLine + 3);
  prose.forEach((p: ProseItem, i) => {
    if (p.hasCommand || p.kind === 'cell' || introduces(p)) return;
    const phase = phaseOfSection(p.sectionPath);
    if (phase !== 'diagnose' && phase !== 'mitigate') return;
    // A nested item is a detail of its parent; the parent carries it.
    if (p.depth > 1) return;
    const text = plain(p.text);
    if (text.length < 8 || !VERBS.test(text)) return;
    if ((perPhase.get(phase) ?? 0) >= MAX_PER_PHASE) return;
    const details: string[] = [];
    let end = p.endLine;
    for (let j = i + 1; j < prose.length && prose[j]!.depth > p.depth && p.depth > 0; j++) {
      details.push(plain(prose[j]!.text));
      end = prose[j]!.endLine;
    }
    const full = details.length > 0 ? `${text.replace(/:$/, '')}: ${details.join('; ')}` : text;
    perPhase.set(phase, (perPhase.get(phase) ?? 0) + 1);
    out.push({ phase, item: full.length > 600 ? `${full.slice(0, 599)}…` : full, startLine: p.startLine, endLine: end, heading: p.sectionPath.at(-1) ?? runbook.title ?? runbook.path });
  });
  return out;
}
