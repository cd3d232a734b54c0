// A person's answers into a shell command: each `{{answer:NAME}}` marker is a slot whose place in the parsed command
// decides what may go there (engine/execution/risk/slots.ts), exactly as for alert values. An answer that is not a plain word
// goes in quoted and the step waits for the person to see it; one that cannot go in (arithmetic takes numbers only)
// is refused with the reason.
import { placeValue, slotSites } from '../risk/slots';
import { ClassifiedError } from '../../control/workflow/failures';
import type { Bound } from '../../control/workflow/tool';
import type { ShellInput } from './shell';

const MARKER = /\{\{answer:([A-Za-z0-9_.-]{1,100})\}\}/g;

export function bindShellAnswers(input: ShellInput, answers: Readonly<Record<string, string>>): Bound {
  const command = input.command;
  const markers = [...command.matchAll(MARKER)];
  if (markers.length === 0) return { input, review: [] };
  const sites = slotSites(command, markers.map((m) => [m.index, m.index + m[0].length] as const));
  const review: string[] = [];
  let out = '';
  let last = 0;
  markers.forEach((m, i) => {
    const name = m[1]!;
    const value = answers[name];
    if (value === undefined) throw new Error(`no answer for ${name} yet`);
    const placed = placeValue(value, sites?.[i] ?? null, name, "the person's");
    if (placed.kind === 'ask') throw new ClassifiedError('validation', placed.reason);
    if (placed.kind === 'review') review.push(placed.reason);
    out += command.slice(last, m.index) + placed.text;
    last = m.index + m[0].length;
  });
  out += command.slice(last);
  return { input: { ...input, command: out }, review };
}
