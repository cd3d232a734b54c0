// A Prometheus step's answer in the incident summary: its series and values. Found with TargetDown from the public
// corpus against a real Prometheus: the summary's finding was the first 200 characters of the answer's JSON, which
// for that expression stop before the value (50), so `report` never said what Prometheus found.
import { describe, expect, it } from 'vitest';
import { describeQueryInput, queryHeadline } from '../../../../engine/planning/observe/queryText';
import { observe } from '../../../../engine/planning/observe/observations';
import { composeSummary } from '../../../../engine/planning/observe/summary';
import type { CallRecord } from '../../../../engine/control/workflow/decision';
import type { WorkflowView } from '../../../../engine/control/workflow/view';

const EXPR = '100 * (count(up == 0) BY (cluster, job, namespace, service) / count(up) BY (cluster, job, namespace, service)) > 10';
const QUERY = '100 * (count by (cluster, job, namespace, service) (up == 0) / count by (cluster, job, namespace, service) (up)) > 10';
const labels = { alertname: 'TargetDown', job: 'node-exporter', severity: 'warning' };

// Recorded from prometheus_alert and promql_query against Prometheus 2.42 (the corpus test's set-up).
const now = { view: 'now', query: QUERY, resultType: 'vector', series: 1, matching: 1, truncated: false, shown: [{ labels: { job: 'node-exporter' }, matchesAlert: true, value: '50' }] };
const window = {
  view: 'window', query: QUERY, resultType: 'matrix', series: 1, matching: 1, truncated: false, range: { start: '2026-12-02T06:16:16.000Z', end: '2026-12-02T06:31:20.000Z', step: '8s' },
  shown: [{ labels: { job: 'node-exporter' }, matchesAlert: true, value: '50', min: 50, max: 50, points: 1, values: [[1796193080, '50']] }],
};
const up = (instance: string, value: string) => ({ labels: { __name__: 'up', instance, job: 'node-exporter' }, matchesAlert: true, value, min: Number(value), max: Number(value), points: 3, values: [] });
const selectors = {
  view: 'selectors', query: QUERY, resultType: 'matrix', series: 2, shown: [], truncated: false,
  selectors: [{ query: 'up', resultType: 'matrix', series: 2, matching: 2, truncated: false, shown: [up('127.0.0.1:19231', '1'), up('127.0.0.1:19232', '0')] }],
};
const history = {
  view: 'history', query: 'ALERTS{alertname="TargetDown"}', resultType: 'matrix', series: 1, matching: 1, truncated: false,
  shown: [{ labels: { __name__: 'ALERTS', alertname: 'TargetDown', alertstate: 'firing', job: 'node-exporter', severity: 'warning' }, matchesAlert: true, value: '1', min: 1, max: 1, points: 1, intervals: [{ from: '2026-12-02T06:31:21.000Z', to: '2026-12-02T06:31:21.000Z', state: 'firing' }] }],
};
const promql = { resultType: 'vector', series: 1, truncated: false, result: [{ metric: { job: 'node-exporter' }, value: [1796193082.036, '50'] }] };

describe('a Prometheus answer in one line', () => {
  it('says each series with its labels and value, for every view and for promql_query', () => {
    expect(queryHeadline('prometheus_alert', now)).toBe('1 series: {job="node-exporter"} 50');
    expect(queryHeadline('prometheus_alert', window)).toBe('1 series: {job="node-exporter"} 50 (last of 1 point)');
    expect(queryHeadline('prometheus_alert', selectors)).toBe('2 series, all {job="node-exporter"}: {instance="127.0.0.1:19231"} 1 (last of 3 points); {instance="127.0.0.1:19232"} 0 (last of 3 points)');
    expect(queryHeadline('prometheus_alert', history)).toBe(
      '1 series: {alertname="TargetDown", alertstate="firing", job="node-exporter", severity="warning"} firing 2026-12-02T06:31:21.000Z to 2026-12-02T06:31:21.000Z',
    );
    expect(queryHeadline('promql_query', promql)).toBe('1 series: {job="node-exporter"} 50');
    expect(queryHeadline('promql_query', { resultType: 'scalar', series: 1, truncated: false, result: [1796193082, '3'] })).toBe('scalar 3');
    expect(queryHeadline('prometheus_alert', { ...now, series: 0, matching: 0, shown: [] })).toBe('no series');
  });

  it('names each selector when there are several, counts what it does not list, and says a refused one', () => {
    const many = { ...selectors.selectors[0]!, series: 9, shown: Array.from({ length: 9 }, (_, i) => up(`h${i}:9100`, String(i))) };
    const refused = { query: 'other{a=~"("}', resultType: 'matrix', series: 0, shown: [], truncated: false, error: 'prometheus: bad_data: invalid regex' };
    const text = queryHeadline('prometheus_alert', { ...selectors, selectors: [many, refused] })!;
    expect(text).toMatch(/^up: 9 series, all \{job="node-exporter"\}: \{instance="h0:9100"\} 0 .*; … 3 more \| other\{a=~"\("\}: error: prometheus: bad_data: invalid regex$/);
    expect(queryHeadline('shell', { stdout: 'x', resultType: 'vector' })).toBeNull();
    expect(queryHeadline('prometheus_alert', 'not an answer')).toBeNull();
  });

  it('the incident summary says what was asked and what came back, not JSON', () => {
    const plan = {
      summary: '',
      steps: [
        { id: 'builtin-prometheus-now', tool: 'prometheus_alert', input: { view: 'now', expr: EXPR, labels }, approval: false, phase: 'diagnose' as const, origin: 'builtin' as const },
        { id: 'builtin-prometheus-selectors', tool: 'prometheus_alert', input: { view: 'selectors', expr: EXPR, window: '1h', labels }, approval: false, phase: 'diagnose' as const, origin: 'builtin' as const },
      ],
    };
    const calls: CallRecord[] = [
      { id: 'a'.repeat(64), stepId: 'builtin-prometheus-now', tool: 'prometheus_alert', status: 'done', input: plan.steps[0]!.input, result: now, error: null },
      { id: 'b'.repeat(64), stepId: 'builtin-prometheus-selectors', tool: 'prometheus_alert', status: 'done', input: plan.steps[1]!.input, result: selectors, error: null },
    ];
    expect(observe(plan, calls).map((o) => o.headline)).toEqual([queryHeadline('prometheus_alert', now), queryHeadline('prometheus_alert', selectors)]);
    const view = { id: 'wf', state: 'EXECUTING', reason: null, plan, request: { title: 'TargetDown', severity: 'warning', labels }, createdAt: 0, stepIndex: 2, skipped: {}, verification: null, awaitingResolution: null, waiting: null } as unknown as WorkflowView;
    const summary = composeSummary(view, calls, []);
    expect(summary.checked.map((c) => [c.what, c.finding])).toEqual([
      [`PromQL at this instant: ${EXPR}`, '1 series: {job="node-exporter"} 50'],
      ['each selector of the expression over the last 1h, every 60s: up', queryHeadline('prometheus_alert', selectors)],
    ]);
    expect(describeQueryInput('prometheus_alert', { view: 'history', alertname: 'TargetDown' })).toBe('PromQL over the last 24h, every 60s: ALERTS{alertname="TargetDown"}');
    expect(describeQueryInput('shell', { command: 'ls' })).toBeNull();
  });
});
