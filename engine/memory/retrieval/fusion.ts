import type { RankedId } from './lexical';

/** Rank constant of reciprocal rank fusion; 60 is the value from the original RRF paper. */
export const RRF_K = 60;

export interface FusionSettings {
  /**
   * 'rrf': weighted reciprocal rank fusion. 'scores': a weighted sum of each list's scores scaled to [0, 1]
   * (min-max over the list), which keeps how far apart two candidates are: a near tie in bm25 is then
   * settled by the embedding, which RRF (ranks only) cannot do.
   */
  readonly method: 'rrf' | 'scores';
  /** RRF's rank constant: smaller lets the top of each list count more against its tail. */
  readonly k: number;
  readonly lexicalWeight: number;
  readonly denseWeight: number;
}

/**
 * Hybrid ranking's fusion, chosen on the tuning half of the public alerts (bench/quality.ts --tune, results in
 * bench/results/quality-tuning.json) and reported on both halves (bench/results/quality.json). The previous
 * default was plain RRF (k 60, equal weights). k 20 with 0.8/0.2: field-weighted bm25 leads, and the embedding
 * decides between candidates bm25 ranks close together (bm25's second passes its first when the embedding ranks
 * the second first and the first sixth or lower), or brings in what shares no word with the query. Min-max
 * score fusion is in the same grid and lost.
 */
export const DEFAULT_FUSION: FusionSettings = { method: 'rrf', k: 20, lexicalWeight: 0.8, denseWeight: 0.2 };

/** Fuses ranked lists (best first) by `settings.method`. */
export function fuse(lists: ReadonlyArray<readonly RankedId[]>, weights: readonly number[], settings: Pick<FusionSettings, 'method' | 'k'>): RankedId[] {
  return settings.method === 'scores' ? weightedScoreFusion(lists, weights) : weightedRankFusion(lists, weights, settings.k);
}

/** Each list's scores min-max scaled to [0, 1] (an id absent from a list gets 0 from it), then summed with the weights. */
export function weightedScoreFusion(lists: ReadonlyArray<readonly RankedId[]>, weights: readonly number[]): RankedId[] {
  const scores = new Map<number, number>();
  lists.forEach((list, i) => {
    if (list.length === 0) return;
    const w = weights[i] ?? 1;
    let max = -Infinity;
    let min = Infinity;
    for (const h of list) {
      max = Math.max(max, h.score);
      min = Math.min(min, h.score);
    }
    const span = max - min;
    for (const h of list) scores.set(h.id, (scores.get(h.id) ?? 0) + w * (span > 0 ? (h.score - min) / span : 1));
  });
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}

/**
 * Reciprocal rank fusion: each list contributes 1/(k + rank) for every id it holds. It needs no score
 * calibration between bm25 and cosine, which live on unrelated scales.
 */
export function reciprocalRankFusion(lists: ReadonlyArray<readonly RankedId[]>, k = RRF_K): RankedId[] {
  return weightedRankFusion(
    lists,
    lists.map(() => 1),
    k,
  );
}

/** Reciprocal rank fusion with a weight per list: list i contributes weights[i]/(k + rank). */
export function weightedRankFusion(lists: ReadonlyArray<readonly RankedId[]>, weights: readonly number[], k = RRF_K): RankedId[] {
  const scores = new Map<number, number>();
  lists.forEach((list, i) => {
    const w = weights[i] ?? 1;
    list.forEach((hit, rank) => scores.set(hit.id, (scores.get(hit.id) ?? 0) + w / (k + rank + 1)));
  });
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}
