// prometheus_alert: what Prometheus says about the alert itself, through its HTTP API (read-only by nature).
//
//   now        the alert's expression at this instant: the series that fire, with their labels and values
//   window     the expression over the last WINDOW (its `for`), every WINDOW/120: each series' values
//   selectors  each vector selector of the expression (selectors.ts) over the last WINDOW (default 1h)
//   history    ALERTS{alertname="NAME"} over the last 24 h: when each of its series was pending or firing
//
// With `labels` (the alert's own), a series whose labels agree with the alert's on every label they share is
// marked `matchesAlert` and listed first. The labels are only compared, never put into a query.
import { z } from 'zod';
import { redactText, redactValue } from '../../redact';
import { retryAfterMs } from '../../net/retryAfter';
import { ClassifiedError } from '../../../control/workflow/failures';
import type { Tool } from '../../../control/workflow/tool';
import { fetchFailure, readCapped } from '../fetchText';
import { TOOL } from '../names';
import { promqlQuote } from '../quote';
import { promqlSelectors, type Selector } from './selectors';
import { AlertName, Duration, durationSeconds } from './shapes';

export const PROMETHEUS_VIEWS = ['now', 'window', 'selectors', 'history'] as const;
export type PrometheusView = (typeof PROMETHEUS_VIEWS)[number];

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Series kept per query (matching ones first), points kept per series. */
const MAX_SERIES = 20;
const MAX_POINTS = 120;
/** Selectors queried at most, in order of appearance. */
const MAX_SELECTORS = 10;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const HISTORY_SECONDS = 24 * 3600;
const HISTORY_STEP_SECONDS = 60;
const DEFAULT_WINDOW = { window: '15m', selectors: '1h' } as const;

export const PrometheusAlertInput = z
  .object({
    view: z.enum(PROMETHEUS_VIEWS),
    /** now, window, selectors: the alert rule's expression. */
    expr: z.string().min(1).max(10_000).optional(),
    /** window (default 15m), selectors (default 1h): how far back from now; 1 minute to 7 days. */
    window: Duration(60, 7 * 86_400).optional(),
    /** history: the alert's name. */
    alertname: AlertName.optional(),
    /** The alert's labels: series that agree with them are marked and listed first. */
    labels: z.record(z.string().max(200).regex(LABEL_NAME, 'not a label name'), z.string().max(2000)).optional(),
  })
  .strict()
  .superRefine((i, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (i.view === 'history') {
      if (i.alertname === undefined) issue('alertname', 'history needs alertname');
      if (i.expr !== undefined) issue('expr', 'history takes no expr: it reads ALERTS');
      if (i.window !== undefined) issue('window', 'history always covers the last 24h');
    } else {
      if (i.expr === undefined) issue('expr', `${i.view} needs expr`);
      if (i.alertname !== undefined) issue('alertname', `${i.view} takes no alertname`);
      if (i.view === 'now' && i.window !== undefined) issue('window', 'now takes no window');
    }
    if (i.view === 'selectors' && i.expr !== undefined) {
      try {
        if (promqlSelectors(i.expr).length === 0) issue('expr', 'the expression has no vector selector');
      } catch (error) {
        issue('expr', `the expression cannot be read: ${(error as Error).message}`);
      }
    }
  });
export type PrometheusAlertInput = z.infer<typeof PrometheusAlertInput>;

export interface SeriesView {
  readonly labels: Record<string, string>;
  /** The series agrees with the alert's labels on every label both have (and they share at least one). */
  readonly matchesAlert?: boolean;
  /** now: the value; ranges: the last value. */
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly points?: number;
  /** Ranges: [unix seconds, value], at most 120 (evenly thinned). */
  readonly values?: ReadonlyArray<readonly [number, string]>;
  /** history: the stretches of time it was present, with its alertstate. */
  readonly intervals?: ReadonlyArray<{ readonly from: string; readonly to: string; readonly state: string }>;
}

export interface QueryView {
  readonly query: string;
  readonly resultType: string;
  /** Series in the answer (all of them, not only those kept). */
  readonly series: number;
  readonly matching?: number;
  readonly shown: readonly SeriesView[];
  readonly truncated: boolean;
  readonly range?: { readonly start: string; readonly end: string; readonly step: string };
  /** A selector's query that failed: Prometheus's words; the others still answer. */
  readonly error?: string;
}

export interface PrometheusAlertOutput extends QueryView {
  readonly view: PrometheusView;
  /** selectors: one answer per selector. */
  readonly selectors?: readonly QueryView[];
}

function windowOf(input: PrometheusAlertInput): string {
  return input.window ?? (input.view === 'selectors' ? DEFAULT_WINDOW.selectors : DEFAULT_WINDOW.window);
}

/** Seconds between points: about 120 points over the window, at least 1 s. */
function stepFor(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 120));
}

/**
 * A range that ends now, on its step grid. Prometheus evaluates start, start + step, ... up to end, so a window that
 * is not a whole number of steps (15m every 8s) would end up to a step before now, and miss an alert that began
 * in that last step; the start moves back instead (by less than one step).
 */
function rangeEndingAt(end: number, seconds: number, step: number): Range {
  return { start: end - Math.ceil(seconds / step) * step, end, step };
}

export function historyQuery(alertname: string): string {
  return `ALERTS{alertname="${promqlQuote(alertname)}"}`;
}

export function describePrometheusAlert(input: PrometheusAlertInput): string {
  const w = windowOf(input);
  switch (input.view) {
    case 'now':
      return `PromQL at this instant: ${input.expr}`;
    case 'window':
      return `PromQL over the last ${w}, every ${stepFor(durationSeconds(w))}s: ${input.expr}`;
    case 'selectors': {
      let sels: string;
      try {
        sels = promqlSelectors(input.expr ?? '')
          .slice(0, MAX_SELECTORS)
          .map((s) => s.text)
          .join('; ');
      } catch {
        sels = '(none readable)';
      }
      return `each selector of the expression over the last ${w}, every 60s: ${sels}`;
    }
    case 'history':
      return `PromQL over the last 24h, every ${HISTORY_STEP_SECONDS}s: ${historyQuery(input.alertname ?? '')}`;
  }
}

export function prometheusAlertTool(options: { readonly prometheusUrl: string; readonly now?: () => number }): Tool<PrometheusAlertInput> {
  const api = apiBase(options.prometheusUrl);
  const now = options.now ?? Date.now;
  return {
    name: TOOL.prometheusAlert,
    risk: 'read',
    toolClass: 'network',
    idempotent: true,
    input: PrometheusAlertInput,
    describe: describePrometheusAlert,
    run: async (input, signal) => ({ output: await runView(api, input, signal, Math.floor(now() / 1000)) }),
  };
}

async function runView(api: Api, input: PrometheusAlertInput, signal: AbortSignal, nowSeconds: number): Promise<PrometheusAlertOutput> {
  const labels = input.labels ?? {};
  switch (input.view) {
    case 'now': {
      const answer = await call(api, 'query', { query: input.expr!, time: String(nowSeconds) }, signal);
      return { view: 'now', ...summarise(input.expr!, answer, labels) };
    }
    case 'window': {
      const seconds = durationSeconds(windowOf(input));
      const range = rangeEndingAt(nowSeconds, seconds, stepFor(seconds));
      const answer = await call(api, 'query_range', rangeParams(input.expr!, range), signal);
      return { view: 'window', ...summarise(input.expr!, answer, labels, range) };
    }
    case 'selectors': {
      const seconds = durationSeconds(windowOf(input));
      const range = rangeEndingAt(nowSeconds, seconds, 60);
      const selectors = promqlSelectors(input.expr!).slice(0, MAX_SELECTORS);
      const views: QueryView[] = [];
      for (const s of selectors) views.push(await selectorView(api, s, range, labels, signal));
      const all = views.reduce((n, v) => n + v.series, 0);
      return { view: 'selectors', query: input.expr!, resultType: 'matrix', series: all, shown: [], truncated: views.some((v) => v.truncated), range: rangeText(range), selectors: views };
    }
    case 'history': {
      const query = historyQuery(input.alertname!);
      const range = rangeEndingAt(nowSeconds, HISTORY_SECONDS, HISTORY_STEP_SECONDS);
      const answer = await call(api, 'query_range', rangeParams(query, range), signal);
      return { view: 'history', ...summarise(query, answer, labels, range, true) };
    }
  }
}

async function selectorView(api: Api, s: Selector, range: Range, labels: Record<string, string>, signal: AbortSignal): Promise<QueryView> {
  try {
    return summarise(s.text, await call(api, 'query_range', rangeParams(s.text, range), signal), labels, range);
  } catch (error) {
    // One selector Prometheus refuses (a bad regex) must not hide the others; an outage still fails the call.
    if (error instanceof ClassifiedError && error.failureClass === 'permanent') {
      return { query: s.text, resultType: 'matrix', series: 0, shown: [], truncated: false, range: rangeText(range), error: error.message };
    }
    throw error;
  }
}

interface Range {
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

function rangeParams(query: string, r: Range): Record<string, string> {
  return { query, start: String(r.start), end: String(r.end), step: String(r.step) };
}

function rangeText(r: Range): QueryView['range'] {
  return { start: new Date(r.start * 1000).toISOString(), end: new Date(r.end * 1000).toISOString(), step: `${r.step}s` };
}

interface Answer {
  readonly resultType: string;
  readonly result: unknown;
}

type RawSeries = { metric?: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> };

/** Whether a series' labels agree with the alert's on every label both have, and they share one. */
export function matchesAlert(series: Record<string, string>, alert: Record<string, string>): boolean {
  let shared = 0;
  for (const [k, v] of Object.entries(alert)) {
    if (!(k in series)) continue;
    if (series[k] !== v) return false;
    shared++;
  }
  return shared > 0;
}

function summarise(query: string, answer: Answer, alertLabels: Record<string, string>, range?: Range, history = false): QueryView {
  const { resultType, result } = answer;
  if (resultType !== 'vector' && resultType !== 'matrix') {
    // A scalar or string: one [time, value] pair.
    const pair = Array.isArray(result) ? (result as [number, string]) : undefined;
    return { query, resultType, series: 1, shown: [{ labels: {}, ...(pair ? { value: String(pair[1]) } : {}) }], truncated: false };
  }
  const raw = Array.isArray(result) ? (result as RawSeries[]) : [];
  const compare = Object.keys(alertLabels).length > 0;
  const all = raw.map((s) => {
    const labels = s.metric ?? {};
    return { s, labels, match: compare && matchesAlert(labels, alertLabels) };
  });
  // Matching series first, then the answer's own order.
  const ordered = [...all.filter((x) => x.match), ...all.filter((x) => !x.match)];
  const shown = ordered.slice(0, MAX_SERIES).map(({ s, labels, match }): SeriesView => {
    const base = { labels, ...(compare ? { matchesAlert: match } : {}) };
    if (s.value) return { ...base, value: s.value[1] };
    const values = s.values ?? [];
    const numbers = values.map((v) => Number(v[1])).filter((n) => !Number.isNaN(n));
    const view: SeriesView = {
      ...base,
      value: values.at(-1)?.[1],
      ...(numbers.length ? { min: Math.min(...numbers), max: Math.max(...numbers) } : {}),
      points: values.length,
    };
    if (history) return { ...view, intervals: intervals(values, labels.alertstate ?? 'present', range!.step) };
    return { ...view, values: thin(values, MAX_POINTS) };
  });
  return {
    query,
    resultType,
    series: raw.length,
    ...(compare ? { matching: all.filter((x) => x.match).length } : {}),
    shown: redactValue(shown) as SeriesView[],
    truncated: raw.length > MAX_SERIES,
    ...(range ? { range: rangeText(range) } : {}),
  };
}

/** Runs of consecutive points (no gap longer than a step): when the series was there. */
function intervals(values: ReadonlyArray<[number, string]>, state: string, step: number): Array<{ from: string; to: string; state: string }> {
  const out: Array<{ from: number; to: number }> = [];
  for (const [t] of values) {
    const last = out.at(-1);
    if (last && t - last.to <= step * 1.5) last.to = t;
    else out.push({ from: t, to: t });
  }
  return out.map((r) => ({ from: new Date(r.from * 1000).toISOString(), to: new Date(r.to * 1000).toISOString(), state }));
}

function thin<T>(values: readonly T[], keep: number): T[] {
  if (values.length <= keep) return [...values];
  const out: T[] = [];
  for (let i = 0; i < keep; i++) out.push(values[Math.round((i * (values.length - 1)) / (keep - 1))]!);
  return out;
}

// ---- The HTTP API ------------------------------------------------------------------------------------

interface Api {
  readonly base: URL;
  readonly authorization?: string;
}

const ApiAnswer = z.object({
  status: z.enum(['success', 'error']),
  data: z.object({ resultType: z.string(), result: z.unknown() }).optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

/** `user:pass@` in the configured URL becomes Basic auth: fetch refuses URLs that carry credentials. */
function apiBase(prometheusUrl: string): Api {
  const url = new URL(prometheusUrl);
  let authorization: string | undefined;
  if (url.username || url.password) {
    authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/`;
  url.search = '';
  url.hash = '';
  return { base: url, ...(authorization ? { authorization } : {}) };
}

async function call(api: Api, endpoint: 'query' | 'query_range', params: Record<string, string>, signal: AbortSignal): Promise<Answer> {
  const url = new URL(endpoint, api.base);
  // POST with a form body: long expressions do not hit URL length limits, and the API treats it like GET.
  const body = new URLSearchParams(params);
  const what = `prometheus ${url.host}`;
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
  if (api.authorization) headers.authorization = api.authorization;
  let status: number;
  let text: string;
  let truncated: boolean;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    status = response.status;
    if (status >= 500 || status === 429) {
      await response.body?.cancel().catch(() => undefined);
      throw new ClassifiedError('transient', `${what}: HTTP ${status}`, retryAfterMs(response.headers.get('retry-after')));
    }
    ({ text, truncated } = await readCapped(response, MAX_RESPONSE_BYTES));
  } catch (error) {
    if (error instanceof ClassifiedError) throw error;
    throw fetchFailure(error, signal, what);
  }
  if (truncated) throw new ClassifiedError('permanent', `${what}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
  let answer: z.infer<typeof ApiAnswer>;
  try {
    answer = ApiAnswer.parse(JSON.parse(text));
  } catch {
    throw new ClassifiedError('permanent', `${what}: HTTP ${status} without a Prometheus answer: ${redactText(text.slice(0, 200))}`);
  }
  if (answer.status === 'error') throw new ClassifiedError('permanent', redactText(`prometheus: ${answer.errorType ?? 'error'}: ${answer.error ?? 'no message'} (query: ${params.query})`));
  if (!answer.data) throw new ClassifiedError('permanent', `${what}: a success answer without data`);
  return answer.data;
}
