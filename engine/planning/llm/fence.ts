/**
 * Fences untrusted text as a `data` block. The fence is longer than any run of backticks inside the text, so
 * the text cannot close the block early and continue as if it were part of the prompt.
 */
export function dataBlock(text: string, info = 'data'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}
