/**
 * A person's answers fill later steps. A planner that cannot fill a value never guesses: it adds an
 * ask_person step with input {name, question} and writes `{{answer:NAME}}` where the value goes. Before the
 * step runs, the orchestrator replaces each marker with the answer, quoted by the tool that will receive it
 * (a shell tool single-quotes anything that is not a plain word), so an answer is always data.
 */
const MARKER = /\{\{answer:([A-Za-z0-9_.-]{1,100})\}\}/g;

export function answerMarker(name: string): string {
  return `{{answer:${name}}}`;
}

/** Names of the answers an input refers to, in order of first use. */
export function answersUsed(input: unknown): string[] {
  const names = new Set<string>();
  walk(input, (s) => {
    for (const m of s.matchAll(MARKER)) names.add(m[1]!);
    return s;
  });
  return [...names];
}

/** The input with every marker replaced; throws when an answer is missing (a plan the orchestrator refuses). */
export function bindAnswers(input: unknown, answers: Readonly<Record<string, string>>, quote: (value: string) => string = (v) => v): unknown {
  return walk(input, (s) =>
    s.replace(MARKER, (_, name: string) => {
      const value = answers[name];
      if (value === undefined) throw new Error(`no answer for ${name} yet`);
      return quote(value);
    }),
  );
}

function walk(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, f));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, f)]));
  return value;
}
