/**
 * The trace waterfall: one row per span, indented under its parent, its bar placed on the workflow's
 * timeline. Bars are SVG rects placed by attributes (the CSP allows no inline styles); every bar's numbers
 * are also in the row's text, so the chart is readable without seeing it.
 */
import type { WorkflowPanelView } from '../../protocol/agent';
import { el, srOnly, svg } from '../dom';
import { formatDuration } from '../format';
import type { Context } from '../store';
import { layoutWaterfall, type WaterfallRow } from '../waterfall';

/** Deeper nesting is drawn at this indent; the order of rows still shows the tree. */
const MAX_INDENT = 6;

export function traceView(ctx: Context, view: WorkflowPanelView): HTMLElement {
  const created = Date.parse(view.workflow.createdAt);
  const nowMs = Number.isNaN(created) ? 0 : ctx.now - created;
  const w = layoutWaterfall(view.spans, nowMs);
  const section = el('section', { class: 'trace', 'aria-labelledby': 'trace-title' }, [el('h3', { id: 'trace-title' }, ['Trace'])]);
  if (w.rows.length === 0) {
    section.append(el('p', { class: 'muted' }, ['No spans recorded yet.']));
    return section;
  }
  const table = el('table', { class: 'waterfall', 'data-testid': 'waterfall' }, [
    el('caption', { class: 'muted' }, [`Where the time went: ${formatDuration(w.totalMs)} in all, open spans drawn up to now`]),
    el('colgroup', {}, [el('col', { class: 'wf-col-name' }), el('col', { class: 'wf-col-duration' }), el('col')]),
    el('thead', {}, [
      el('tr', {}, [
        el('th', { scope: 'col' }, ['Span']),
        el('th', { scope: 'col' }, ['Duration']),
        // The time axis heads the bars' column, so its marks line up with them.
        el('th', { scope: 'col' }, [srOnly('Timeline'), svg('svg', { class: 'wf-ticks', width: '100%', height: '14', 'aria-hidden': 'true' }, w.ticks.map((t) => tick(t, w.totalMs)))]),
      ]),
    ]),
    el('tbody', {}, w.rows.map((row) => spanRow(row, w.totalMs))),
  ]);
  section.append(table);
  return section;
}

function tick(t: number, totalMs: number): SVGElement {
  const x = `${(t / totalMs) * 100}%`;
  // The last label would be cut off at the right edge, so it is right-aligned.
  const anchor = t === 0 ? 'start' : t / totalMs > 0.9 ? 'end' : 'middle';
  const label = svg('text', { x, y: '12', 'text-anchor': anchor, class: 'wf-tick' });
  label.textContent = t === 0 ? '0' : formatDuration(t);
  return label;
}

function spanRow(row: WaterfallRow, totalMs: number): HTMLElement {
  const { span } = row;
  const state = row.open ? 'open' : span.status;
  const percent = Math.round(row.share * 100);
  const bar = svg('svg', { class: 'wf-bar', width: '100%', height: '14', 'aria-hidden': 'true', preserveAspectRatio: 'none' }, [
    svg('rect', { class: `wf-rect kind-${span.kind} status-${state}`, x: `${row.left}%`, width: `${row.width}%`, y: '2', height: '10', rx: '2' }, [
      titleOf(`${span.name}: ${formatDuration(row.durationMs)} from ${formatDuration(row.startMs)}`),
    ]),
  ]);
  return el('tr', { class: `wf-row status-${state}` }, [
    el('th', { scope: 'row', class: `wf-name depth-${Math.min(row.depth, MAX_INDENT)}` }, [
      el('span', { class: `wf-kind kind-${span.kind}`, 'aria-hidden': 'true' }),
      el('span', { title: `${span.kind}: ${span.name}` }, [span.name]),
      srOnly(` (${span.kind}${row.depth > 0 ? `, level ${row.depth + 1}` : ''})`),
    ]),
    el('td', { class: 'wf-duration' }, [
      formatDuration(row.durationMs),
      row.open ? el('span', { class: 'badge open' }, ['running']) : span.status === 'error' ? el('span', { class: 'badge error' }, ['error']) : null,
      srOnly(`, starts at ${formatDuration(row.startMs)}, ${percent}% of ${formatDuration(totalMs)}`),
    ]),
    el('td', { class: 'wf-timeline' }, [bar]),
  ]);
}

function titleOf(text: string): SVGElement {
  const title = svg('title');
  title.textContent = text;
  return title;
}
