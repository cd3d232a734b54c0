/** The trace waterfall's geometry: row order, indentation and bar positions. Pure: unit-tested without a DOM. */
import type { SpanView } from '../protocol/agent';

export interface WaterfallRow {
  span: SpanView;
  depth: number;
  /** Bar start and width in percent of the trace's total time. */
  left: number;
  width: number;
  startMs: number;
  durationMs: number;
  /** Still running: drawn up to `now`. */
  open: boolean;
  /** Share of the total time, 0..1, for the text a screen reader hears. */
  share: number;
}

export interface Waterfall {
  totalMs: number;
  rows: WaterfallRow[];
  /** Axis marks in ms from the start, each a round number. */
  ticks: number[];
}

/** Below this a bar would vanish; it still marks where a quick span happened. */
export const MIN_BAR_PERCENT = 0.5;

/**
 * Lays out `spans` (times in ms since the workflow began) with open spans running to `nowMs`. Rows come
 * parent first, children by start time; a span whose parent is unknown (or in a cycle) becomes a root, so
 * nothing the engine sent is hidden.
 */
export function layoutWaterfall(spans: readonly SpanView[], nowMs: number): Waterfall {
  const endOf = (s: SpanView) => Math.max(s.startMs, s.endMs ?? Math.max(nowMs, s.startMs));
  const totalMs = Math.max(1, ...spans.map(endOf));
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string | null, SpanView[]>();
  for (const span of spans) {
    const parent = span.parentId !== null && span.parentId !== span.id && ids.has(span.parentId) ? span.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const byStart = (list: SpanView[]) => [...list].sort((a, b) => a.startMs - b.startMs);

  const rows: WaterfallRow[] = [];
  const seen = new Set<SpanView>();
  const visit = (span: SpanView, depth: number) => {
    if (seen.has(span)) return;
    seen.add(span);
    rows.push(rowOf(span, depth, endOf(span), totalMs));
    for (const child of byStart(children.get(span.id) ?? [])) visit(child, depth + 1);
  };
  for (const root of byStart(children.get(null) ?? [])) visit(root, 0);
  // Spans that only point at each other were never reached from a root.
  for (const span of byStart(spans.filter((s) => !seen.has(s)))) visit(span, 0);
  return { totalMs, rows, ticks: niceTicks(totalMs) };
}

function rowOf(span: SpanView, depth: number, end: number, totalMs: number): WaterfallRow {
  const durationMs = end - span.startMs;
  const width = Math.max((durationMs / totalMs) * 100, MIN_BAR_PERCENT);
  const left = Math.min((span.startMs / totalMs) * 100, 100 - width);
  return { span, depth, left, width, startMs: span.startMs, durationMs, open: span.endMs === null, share: durationMs / totalMs };
}

/** Round marks (1, 2 or 5 times a power of ten) that split `totalMs` into at most `count` parts. */
export function niceTicks(totalMs: number, count = 4): number[] {
  if (!(totalMs > 0)) return [0];
  const rough = totalMs / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = 0; t <= totalMs + 1e-9; t += step) ticks.push(Math.round(t * 1000) / 1000);
  return ticks;
}
