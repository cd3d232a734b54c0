import { describe, expect, it } from 'vitest';
import type { SpanView } from '../../../protocol/agent';
import { layoutWaterfall, MIN_BAR_PERCENT, niceTicks } from '../../../webview/waterfall';

function span(id: string, parentId: string | null, startMs: number, endMs: number | null, kind: SpanView['kind'] = 'tool'): SpanView {
  return { id, parentId, kind, name: id, startMs, endMs, status: endMs === null ? 'open' : 'ok', attributes: {} };
}

describe('layoutWaterfall', () => {
  it('puts each bar where its span sits in the total, parents before their children', () => {
    const w = layoutWaterfall(
      [span('step-2', 'root', 600, 1000), span('root', null, 0, 1000, 'workflow'), span('plan', 'root', 0, 200, 'planning'), span('try-1', 'step-2', 650, 900, 'attempt')],
      5000,
    );
    expect(w.totalMs).toBe(1000);
    expect(w.rows.map((r) => [r.span.id, r.depth])).toEqual([
      ['root', 0],
      ['plan', 1],
      ['step-2', 1],
      ['try-1', 2],
    ]);
    const step = w.rows.find((r) => r.span.id === 'step-2')!;
    expect(step.left).toBeCloseTo(60);
    expect(step.width).toBeCloseTo(40);
    expect(step.durationMs).toBe(400);
    expect(step.share).toBeCloseTo(0.4);
  });

  it('runs open spans to now, which also stretches the total', () => {
    const w = layoutWaterfall([span('root', null, 0, null, 'workflow'), span('wait', 'root', 1000, null, 'wait'), span('done', 'root', 0, 1000)], 4000);
    expect(w.totalMs).toBe(4000);
    const wait = w.rows.find((r) => r.span.id === 'wait')!;
    expect(wait.open).toBe(true);
    expect(wait.durationMs).toBe(3000);
    expect(wait.left).toBeCloseTo(25);
    expect(wait.width).toBeCloseTo(75);
    expect(w.rows.find((r) => r.span.id === 'done')!.open).toBe(false);
  });

  it('keeps an instant span visible inside the chart, even at the very end', () => {
    const w = layoutWaterfall([span('root', null, 0, 10_000), span('policy', 'root', 10_000, 10_000, 'policy')], 0);
    const policy = w.rows.find((r) => r.span.id === 'policy')!;
    expect(policy.width).toBe(MIN_BAR_PERCENT);
    expect(policy.left + policy.width).toBeLessThanOrEqual(100);
  });

  it('shows orphans and cycles as roots instead of dropping them', () => {
    const w = layoutWaterfall([span('a', 'b', 10, 20), span('b', 'a', 0, 30), span('orphan', 'gone', 5, 6), span('self', 'self', 1, 2)], 0);
    expect(w.rows.map((r) => r.span.id).sort()).toEqual(['a', 'b', 'orphan', 'self']);
    expect(w.rows.find((r) => r.span.id === 'orphan')!.depth).toBe(0);
    expect(w.rows.find((r) => r.span.id === 'self')!.depth).toBe(0);
  });

  it('copes with no spans at all', () => {
    expect(layoutWaterfall([], 0)).toEqual({ totalMs: 1, rows: [], ticks: [0, 0.5, 1] });
  });
});

describe('niceTicks', () => {
  it('marks round numbers from zero up to the total', () => {
    expect(niceTicks(1000)).toEqual([0, 500, 1000]);
    expect(niceTicks(10_000)).toEqual([0, 5000, 10_000]);
    expect(niceTicks(7_300)).toEqual([0, 2000, 4000, 6000]);
    expect(niceTicks(45)).toEqual([0, 20, 40]);
  });
});
