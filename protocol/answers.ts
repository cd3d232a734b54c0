/**
 * What an answer to a question must look like, in one place for every side that checks it: the engine
 * refuses anything else (engine/control/workflow/person.ts), and the panel and the Answer Question box say so before
 * sending. A number answer fills arithmetic in a step, where bash would run any other text as code, so only
 * digits, an optional minus sign and decimals pass ("1e3", "0x10", "7;" do not).
 */
export const NUMBER_ANSWER = /^-?[0-9]+(\.[0-9]+)?$/;

/** The most characters an answer may have (the engine's limit). */
export const MAX_ANSWER_CHARS = 2000;

/** Why `value` cannot be sent as the answer, or undefined when it can. `expects` is the question's (protocol/workflow.ts). */
export function answerProblem(value: string, expects: 'number' | undefined): string | undefined {
  const v = value.trim();
  if (!v) return 'Type an answer first.';
  if (value.length > MAX_ANSWER_CHARS) return `An answer is at most ${MAX_ANSWER_CHARS} characters.`;
  if (expects === 'number' && !NUMBER_ANSWER.test(v)) return 'This answer must be a number: digits, an optional minus sign and decimals (e.g. 7 or 0.5).';
  return undefined;
}
