import type { RankedId } from './lexical';

/** Rank constant of reciprocal rank fusion; 60 is the value from the original RRF paper, used as is. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each list contributes 1/(k + rank) for every id it holds. It needs no score
 * calibration between bm25 and cosine, which live on unrelated scales.
 */
export function reciprocalRankFusion(lists: ReadonlyArray<readonly RankedId[]>, k = RRF_K): RankedId[] {
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.forEach((hit, rank) => scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (k + rank + 1)));
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}
