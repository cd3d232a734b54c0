// A Prometheus answer in one line a person reads: each series' labels and its value, so an incident summary says
// what the query found ("1 series: {job="node-exporter"} 50") instead of the first 200 characters of its JSON,
// which for a long expression end before the first value. For prometheus_alert (engine/execution/tools/builtin/prometheus.ts)
// and promql_query (engine/execution/tools/promql.ts) results; anything else gets null.
import { PROMETHEUS_VIEWS, describePrometheusAlert, type PrometheusAlertInput, type PrometheusAlertOutput, type QueryView, type SeriesView } from '../../execution/tools/builtin/prometheus';
import { TOOL } from '../../execution/tools/names';

/** Series listed per answer; the rest are counted. */
const LISTED = 6;
export const HEADLINE_CHARS = 400;

const clip = (text: string, max = HEADLINE_CHARS) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const points = (n: number) => (n === 1 ? '1 point' : `${n} points`);

function labelText(labels: Readonly<Record<string, string>>, leave: ReadonlySet<string> = new Set()): string {
  const pairs = Object.entries(labels)
    .filter(([k]) => k !== '__name__' && !leave.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${pairs.join(', ')}}`;
}

/** Labels every listed series has with the same value (said once, when there are two or more). */
function common(all: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  if (all.length < 2) return {};
  const [first, ...rest] = all;
  return Object.fromEntries(Object.entries(first!).filter(([k, v]) => k !== '__name__' && rest.every((l) => l[k] === v)));
}

interface Line {
  readonly labels: Readonly<Record<string, string>>;
  readonly text: string;
}

function listed(total: number, truncated: boolean, lines: readonly Line[]): string {
  if (total === 0) return 'no series';
  const shared = common(lines.map((l) => l.labels));
  const leave = new Set(Object.keys(shared));
  const each = lines.slice(0, LISTED).map((l) => `${labelText(l.labels, leave)} ${l.text}`);
  const more = Math.max(total, lines.length) - Math.min(lines.length, LISTED);
  const head = `${total}${truncated ? '+' : ''} series${leave.size > 0 ? `, all ${labelText(shared)}` : ''}`;
  return `${head}: ${each.join('; ')}${more > 0 ? `; … ${more} more` : ''}`;
}

function seriesLine(s: SeriesView): Line {
  if (s.intervals) return { labels: s.labels, text: s.intervals.map((i) => `${i.state} ${i.from} to ${i.to}`).join(', ') || 'absent' };
  if (s.points !== undefined) {
    const spread = s.min !== undefined && s.max !== undefined && s.min !== s.max ? `, min ${s.min}, max ${s.max}` : '';
    return { labels: s.labels, text: `${s.value ?? 'no value'} (last of ${points(s.points)}${spread})` };
  }
  return { labels: s.labels, text: s.value ?? 'no value' };
}

function viewText(v: QueryView): string {
  if (v.error) return `error: ${v.error}`;
  return listed(v.series, v.truncated, v.shown.map(seriesLine));
}

function prometheusAlertText(out: PrometheusAlertOutput): string {
  if (out.view !== 'selectors' || !out.selectors) return viewText(out);
  if (out.selectors.length === 1) return viewText(out.selectors[0]!);
  return out.selectors.map((s) => `${s.query}: ${viewText(s)}`).join(' | ');
}

type RawSeries = { metric?: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> };

function promqlText(out: { resultType: string; series: number; result: unknown; truncated?: boolean }): string {
  if (out.resultType !== 'vector' && out.resultType !== 'matrix') {
    const pair = Array.isArray(out.result) ? (out.result as unknown[]) : [];
    return `${out.resultType} ${String(pair[1] ?? 'no value')}`;
  }
  const raw = Array.isArray(out.result) ? (out.result as RawSeries[]) : [];
  const lines = raw.map((s): Line => {
    const labels = s.metric ?? {};
    if (s.value) return { labels, text: s.value[1] };
    const values = s.values ?? [];
    return { labels, text: `${values.at(-1)?.[1] ?? 'no value'} (last of ${points(values.length)})` };
  });
  return listed(out.series, out.truncated === true, lines);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The answer of a Prometheus query step in one line, or null when the result is not one. */
export function queryHeadline(tool: string, result: unknown): string | null {
  if (!isObject(result) || typeof result.resultType !== 'string') return null;
  if (tool === TOOL.prometheusAlert && Array.isArray(result.shown) && typeof result.view === 'string') return clip(prometheusAlertText(result as unknown as PrometheusAlertOutput));
  if (tool === TOOL.promql && typeof result.series === 'number' && 'result' in result) return clip(promqlText(result as { resultType: string; series: number; result: unknown; truncated?: boolean }));
  return null;
}

/** What a prometheus_alert step asked, in the tool's own words (as its approval card says it), or null. */
export function describeQueryInput(tool: string, input: unknown): string | null {
  if (tool !== TOOL.prometheusAlert || !isObject(input) || !(PROMETHEUS_VIEWS as readonly unknown[]).includes(input.view)) return null;
  try {
    return describePrometheusAlert(input as unknown as PrometheusAlertInput);
  } catch {
    return null;
  }
}
