/**
 * A fast, deliberately pessimistic estimate of how many WordPiece tokens a text becomes. The chunker runs
 * on the main thread and must not load the tokenizer; overestimating keeps chunks under the model's limit
 * (the embedder truncates anything that still exceeds it and counts those cases).
 */
const PIECES = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(PIECES)) {
    const len = m[0].length;
    // Common words are one piece; long identifiers split into several sub-words of ~3-4 characters.
    n += len <= 5 ? 1 : Math.ceil(len / 3.5);
  }
  return n;
}
