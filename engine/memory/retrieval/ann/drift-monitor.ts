// Says when the quantizers no longer fit the data: the mean quantization error of the most recent adds
// against the error measured on the training data, and growth of the index far beyond its training set.

export const DRIFT_WINDOW = 1024;
/** Recent adds must be this much worse than training before retraining is advised. */
export const DRIFT_ERROR_RATIO = 1.5;
/** Recent adds needed before the error ratio is trusted. */
export const DRIFT_MIN_SAMPLES = 256;
/** Index size over training-set size above which retraining is advised (lists get long, nlist too small). */
export const DRIFT_GROWTH_RATIO = 4;

export interface DriftState {
  trainError: number;
  trainedOn: number;
  recent: Float32Array;
  recentCount: number;
  recentNext: number;
}

export interface DriftReport {
  retrain: boolean;
  reason: 'none' | 'error' | 'growth' | 'shrink' | 'untrained';
  trainError: number;
  recentError: number;
  recentSamples: number;
  trainedOn: number;
  size: number;
}

export function newDriftState(trainError: number, trainedOn: number): DriftState {
  return { trainError, trainedOn, recent: new Float32Array(DRIFT_WINDOW), recentCount: 0, recentNext: 0 };
}

export function recordAdd(s: DriftState, error: number): void {
  s.recent[s.recentNext] = error;
  s.recentNext = (s.recentNext + 1) % DRIFT_WINDOW;
  if (s.recentCount < DRIFT_WINDOW) s.recentCount++;
}

export function recentError(s: DriftState): number {
  if (s.recentCount === 0) return 0;
  let sum = 0;
  for (let i = 0; i < s.recentCount; i++) sum += s.recent[i]!;
  return sum / s.recentCount;
}

export function assessDrift(s: DriftState, size: number): DriftReport {
  const recent = recentError(s);
  const base = { trainError: s.trainError, recentError: recent, recentSamples: s.recentCount, trainedOn: s.trainedOn, size };
  if (s.recentCount >= DRIFT_MIN_SAMPLES && recent > DRIFT_ERROR_RATIO * s.trainError) return { retrain: true, reason: 'error', ...base };
  if (size > DRIFT_GROWTH_RATIO * s.trainedOn) return { retrain: true, reason: 'growth', ...base };
  return { retrain: false, reason: 'none', ...base };
}
