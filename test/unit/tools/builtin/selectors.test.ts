// The PromQL selector tokenizer: metrics with their matchers, told apart from functions, aggregations,
// keywords, label lists, ranges, modifiers, strings and comments.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promqlSelectors, tokenize, unquote } from '../../../../engine/execution/tools/builtin/selectors';

const texts = (expr: string) => promqlSelectors(expr).map((s) => s.text);

describe('promqlSelectors', () => {
  it('a bare metric, and a metric with matchers', () => {
    expect(texts('up == 0')).toEqual(['up']);
    expect(promqlSelectors('node_filesystem_avail_bytes{fstype!="tmpfs", mountpoint=~"/var.*"} < 1e9')).toEqual([
      {
        metric: 'node_filesystem_avail_bytes',
        matchers: [
          { label: 'fstype', op: '!=', value: 'tmpfs' },
          { label: 'mountpoint', op: '=~', value: '/var.*' },
        ],
        text: 'node_filesystem_avail_bytes{fstype!="tmpfs",mountpoint=~"/var.*"}',
      },
    ]);
  });

  it('functions, ranges, comments and comparisons are not selectors', () => {
    const expr = '# Without max_over_time, failed scrapes could create false negatives\nmax_over_time(alertmanager_config_last_reload_successful{job="alertmanager-main",namespace="monitoring"}[5m]) == 0';
    expect(texts(expr)).toEqual(['alertmanager_config_last_reload_successful{job="alertmanager-main",namespace="monitoring"}']);
    expect(texts('time() - process_start_time_seconds > 3600')).toEqual(['process_start_time_seconds']);
    expect(texts('vector(1) > 0')).toEqual([]);
    expect(texts('absent(up{job="kube-state-metrics"} == 1)')).toEqual(['up{job="kube-state-metrics"}']);
  });

  it('aggregations and their label lists, either side', () => {
    expect(texts('sum by (namespace, pod) (rate(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[5m])) > 0')).toEqual(['kube_pod_container_status_restarts_total{job="kube-state-metrics"}']);
    expect(texts('sum(rate(x_total[5m])) without (instance, cpu)')).toEqual(['x_total']);
    expect(texts('SUM BY (job) (up) AND ON (job) other')).toEqual(['up', 'other']);
    expect(texts('topk(5, sum without (cpu) (rate(node_cpu_seconds_total{mode!="idle"}[5m])))')).toEqual(['node_cpu_seconds_total{mode!="idle"}']);
    expect(texts('count_values("version", build_info)')).toEqual(['build_info']);
    expect(texts('quantile(0.9, http_latency)')).toEqual(['http_latency']);
  });

  it('vector matching: on, ignoring, group_left and group_right take label lists', () => {
    expect(texts('a / on (instance) group_left (nodename) node_uname_info')).toEqual(['a', 'node_uname_info']);
    expect(texts('a * ignoring(reason) group_right b')).toEqual(['a', 'b']);
    expect(texts('a > bool 0 unless b')).toEqual(['a', 'b']);
  });

  it('offset, @, subqueries and durations', () => {
    expect(texts('rate(x[5m] offset 1h) / rate(x[5m] offset -1w)')).toEqual(['x']);
    expect(texts('x @ 1609746000 - y @ start()')).toEqual(['x', 'y']);
    expect(texts('max_over_time(rate(z_total{a="1"}[1m])[1h:5m])')).toEqual(['z_total{a="1"}']);
    expect(texts('predict_linear(node_filesystem_avail_bytes[6h], 4 * 60 * 60) < 0')).toEqual(['node_filesystem_avail_bytes']);
    expect(texts('x > 1.5e-3 and y < 0x1F and z != Inf')).toEqual(['x', 'y', 'z']);
  });

  it('strings: braces in them, escapes, single quotes and backticks', () => {
    expect(promqlSelectors('label_replace(up{job="a}b"}, "dst", "$1", "src", "(.*)")')).toEqual([{ metric: 'up', matchers: [{ label: 'job', op: '=', value: 'a}b' }], text: 'up{job="a}b"}' }]);
    expect(promqlSelectors('x{path="a\\"b", q=\'c\', r=`d\\e`}')[0]!.matchers.map((m) => m.value)).toEqual(['a"b', 'c', 'd\\e']);
    expect(unquote('"\\u00e9\\n\\x41"')).toBe('é\nA');
  });

  it('selectors without a metric name, and quoted names (Prometheus 3)', () => {
    expect(promqlSelectors('{__name__=~"node_.*", job!="x"}')).toEqual([
      { metric: null, matchers: [{ label: '__name__', op: '=~', value: 'node_.*' }, { label: 'job', op: '!=', value: 'x' }], text: '{__name__=~"node_.*",job!="x"}' },
    ]);
    expect(promqlSelectors('{__name__="up", job="a"}')[0]!.metric).toBe('up');
    expect(promqlSelectors('{"my.metric", env="prod"}')[0]).toEqual({ metric: 'my.metric', matchers: [{ label: 'env', op: '=', value: 'prod' }], text: '{"my.metric",env="prod"}' });
    expect(texts('x{a="1",}')).toEqual(['x{a="1"}']);
  });

  it('each distinct selector once, in order; what does not read is left out', () => {
    expect(texts('a{x="1"} / a{x="1"} + b + a')).toEqual(['a{x="1"}', 'b', 'a']);
    expect(texts('x{job=} + y')).toEqual(['y']);
    expect(texts('x{job="a" instance="b"} + y')).toEqual(['y']);
    expect(() => promqlSelectors('x{job="a}')).toThrow(/unterminated string/);
    expect(() => tokenize('x ? y')).toThrow(/unexpected character/);
  });
});

const CORPUS = path.resolve('..', 'shared', 'corpus', 'alerts.jsonl');

describe.skipIf(!fs.existsSync(CORPUS))('promqlSelectors on the 233 corpus alert rules', () => {
  it('reads every expression, and finds selectors in all but Watchdog (vector(1))', () => {
    const rules = fs.readFileSync(CORPUS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { alert: string; expr: string });
    expect(rules).toHaveLength(233);
    const without: string[] = [];
    let total = 0;
    for (const r of rules) {
      const sels = promqlSelectors(r.expr);
      total += sels.length;
      if (sels.length === 0) without.push(r.alert);
      for (const s of sels) {
        // Every selector is a query of its own: the metric, or matchers, never a keyword or a function name.
        expect(s.metric === null || /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(s.metric) || s.text.startsWith('{'), `${r.alert}: ${s.text}`).toBe(true);
        expect(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'sum', 'rate', 'and', 'or', 'unless', 'bool', 'offset']).not.toContain(s.metric?.toLowerCase());
      }
    }
    expect(without).toEqual(['Watchdog']); // vector(1)
    expect(total).toBeGreaterThan(233);
  });
});
