// Parameter rules the facade applies when the caller does not choose. The measurements behind the
// numbers are in README.md (bench/ann.ts prints them: `npm run bench -- ann`).

/**
 * Below this many vectors the facade keeps exact flat search. Measured (bench/ann.ts crossover, d=384):
 * flat costs ~20 ms/query at 50k; IVF-PQ is 15-40x faster there but at nprobe nlist/4 reaches only
 * recall@10 0.90 on the overlapping-cluster set (0.96 at 100k), so below ~64k exact search is both
 * affordable and better.
 */
export const DEFAULT_FLAT_THRESHOLD = 65_536;
/**
 * Candidates re-ranked exactly = k * refine (the FAISS anchor uses IndexRefineFlat k_factor=10). 12, not 10:
 * on real embeddings (bench ann `real`: 21,630 distinct static-ops-embed-256 vectors, nlist 512, PQ32, default
 * nprobe 128) refine 10 gave recall@10 0.9899, short of the 0.99 target, and 12 gives 0.9915 (16: 0.9923,
 * 20: 0.9935). The misses there are PQ ranking misses inside the probed lists: nprobe 256 at refine 10 gives
 * 0.9932 for about twice the list scan, nprobe 64 stays below 0.99 even at refine 32 (0.9886).
 */
export const DEFAULT_REFINE = 12;
/**
 * Fraction of the lists probed by default (nlist 1024: 256 lists). Measured at 100k x 384 on the anchor's
 * own vectors (gen_data.py), refine x10: recall@10 0.972 (sigma 1.5, overlapping clusters) and 1.000
 * (sigma 0.9); 1/8 gives 0.955 / 1.000. Real embeddings (nlist 512, nprobe 128): 0.9899 at refine x10
 * (1/2: 0.9932), 0.9915 at x12 (DEFAULT_REFINE).
 */
export const DEFAULT_NPROBE_FRACTION = 1 / 4;
/** Fewest training points per coarse centroid (FAISS warns below 39). */
export const MIN_POINTS_PER_LIST = 39;

/** nlist: largest power of two <= 4*sqrt(n), at most n/39 and at least 1. 100k -> 1024, 20k -> 512. */
export function nlistFor(n: number): number {
  const cap = Math.max(1, Math.min(4 * Math.sqrt(n), n / MIN_POINTS_PER_LIST));
  let p = 1;
  while (p * 2 <= cap) p *= 2;
  return p;
}

/** Default nprobe for an index with nlist lists. */
export function nprobeFor(nlist: number): number {
  return Math.max(1, Math.min(nlist, Math.round(nlist * DEFAULT_NPROBE_FRACTION)));
}

/**
 * PQ sub-quantizer count: 8 dimensions per sub-vector when dim allows and m stays <= 60
 * (codes + 4-byte ids <= 64 bytes per vector); otherwise the nearest divisor that fits.
 */
export function pqSubquantizersFor(dim: number): number {
  for (const dsub of [8, 12, 16, 6, 24, 32, 4, 48, 64]) {
    if (dim % dsub === 0 && dim / dsub <= 60) return dim / dsub;
  }
  for (let m = Math.min(60, dim); m >= 1; m--) if (dim % m === 0) return m;
  return 1;
}
