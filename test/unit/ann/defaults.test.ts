import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAT_THRESHOLD, DEFAULT_NPROBE_FRACTION, DEFAULT_REFINE, nlistFor, nprobeFor, pqSubquantizersFor } from '../../../engine/memory/retrieval/ann/defaults';

// The default parameters are measured choices (bench/ann.ts; the numbers are in defaults.ts and README.md).
// Pinned here so a change to them is deliberate and comes with a new measurement.
describe('ANN defaults', () => {
  it('re-ranks k*12 candidates: refine 10 missed recall@10 0.99 on real embeddings at the default nprobe (0.9899), 12 reaches 0.9915', () => {
    expect(DEFAULT_REFINE).toBe(12);
  });

  it('probes a quarter of the lists', () => {
    expect(DEFAULT_NPROBE_FRACTION).toBe(1 / 4);
    expect(nprobeFor(1024)).toBe(256);
    expect(nprobeFor(512)).toBe(128);
    expect(nprobeFor(2)).toBe(1);
    expect(nprobeFor(1)).toBe(1);
  });

  it('nlist, flat threshold and PQ sub-quantizers follow their rules', () => {
    expect(DEFAULT_FLAT_THRESHOLD).toBe(65_536);
    expect(nlistFor(100_000)).toBe(1024);
    expect(nlistFor(21_630)).toBe(512);
    expect(nlistFor(65_536)).toBe(1024);
    expect(nlistFor(10)).toBe(1);
    expect(pqSubquantizersFor(384)).toBe(48);
    expect(pqSubquantizersFor(256)).toBe(32);
  });
});
