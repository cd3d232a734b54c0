// builtinDiagnostics(): which built-ins an alert's labels fill, with hostile values skipped; and how many of
// the 233 corpus alerts get one.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../../engine/control/alert';
import { aboutThisMachine, builtinDiagnostics, HOST_SYSTEMD, type BuiltinDiagnostic } from '../../../../engine/execution/tools/builtin/fit';
import { builtinAvailability } from '../../../../engine/execution/tools/builtin';
import { HostInput } from '../../../../engine/execution/tools/builtin/host';
import { K8sInput } from '../../../../engine/execution/tools/builtin/k8s';
import { PrometheusAlertInput } from '../../../../engine/execution/tools/builtin/prometheus';
import { HttpInput } from '../../../../engine/execution/tools/http';
import { TOOL } from '../../../../engine/execution/tools/names';
import type { AlertRequest } from '../../../../engine/control/workflow/request';
import { CORPUS, corpusRules, firingAlert } from '../../../../engine/planning/runbook/corpusAlerts';

const ALL = new Set([TOOL.k8s, TOOL.host, TOOL.prometheusAlert, TOOL.http, HOST_SYSTEMD]);
const SCHEMAS: Record<string, { safeParse(v: unknown): { success: boolean } }> = {
  [TOOL.k8s]: K8sInput,
  [TOOL.host]: HostInput,
  [TOOL.prometheusAlert]: PrometheusAlertInput,
  [TOOL.http]: HttpInput,
};

function alert(labels: Record<string, string>, annotations: Record<string, string> = {}, extra: Record<string, unknown> = {}): AlertRequest {
  return normalizeAlerts({ labels: { alertname: 'TestAlert', ...labels }, annotations, ...extra }, 'test')[0]!;
}
const ids = (d: BuiltinDiagnostic[]) => d.map((s) => s.id);

/** Every step: a known tool, input valid for its schema, a "built in:" rationale, a unique id. */
function wellFormed(steps: BuiltinDiagnostic[]): void {
  expect(new Set(ids(steps)).size).toBe(steps.length);
  for (const s of steps) {
    expect(s.id).toMatch(/^builtin-[a-z0-9-]+$/);
    expect(SCHEMAS[s.tool]!.safeParse(s.input).success, s.id).toBe(true);
    expect(s.rationale.startsWith('built in: ')).toBe(true);
    expect(s.rationale.length).toBeLessThanOrEqual(500);
  }
}

describe('builtinDiagnostics: Kubernetes', () => {
  it('pod + namespace: get, describe, logs (previous if restarted), events, top of the pod', () => {
    const steps = builtinDiagnostics(alert({ namespace: 'shop', pod: 'checkout-7c9f8b6d4-x2x9q', container: 'checkout' }), new Set([TOOL.k8s]));
    wellFormed(steps);
    expect(ids(steps)).toEqual(['builtin-k8s-get-pod', 'builtin-k8s-describe-pod', 'builtin-k8s-logs-pod', 'builtin-k8s-events-pod', 'builtin-k8s-top-pod']);
    expect(steps[2]).toMatchObject({
      tool: 'k8s',
      input: { verb: 'logs', kind: 'pod', name: 'checkout-7c9f8b6d4-x2x9q', namespace: 'shop', container: 'checkout', previous: 'if-restarted' },
      toolset: 'k8s',
      from: ['pod', 'namespace', 'container'],
    });
    expect(steps[1]!.rationale).toBe("built in: kubectl describe of pod checkout-7c9f8b6d4-x2x9q in namespace shop, named by the alert's pod and namespace labels");
  });

  it('controllers, jobs (job_name, not the scrape job), claims and nodes', () => {
    const steps = builtinDiagnostics(alert({ namespace: 'shop', deployment: 'checkout', statefulset: 'postgres', daemonset: 'node-exporter', job_name: 'backup-1', job: 'kube-state-metrics', persistentvolumeclaim: 'data-postgres-0', node: 'worker-1' }), new Set([TOOL.k8s]));
    wellFormed(steps);
    expect(ids(steps)).toEqual([
      ...['get', 'describe', 'logs', 'events'].map((v) => `builtin-k8s-${v}-deployment`),
      ...['get', 'describe', 'logs', 'events'].map((v) => `builtin-k8s-${v}-statefulset`),
      ...['get', 'describe', 'logs', 'events'].map((v) => `builtin-k8s-${v}-daemonset`),
      ...['get', 'describe', 'logs', 'events'].map((v) => `builtin-k8s-${v}-job`),
      ...['get', 'describe', 'events'].map((v) => `builtin-k8s-${v}-pvc`),
      ...['get', 'describe', 'events', 'top'].map((v) => `builtin-k8s-${v}-node`),
    ]);
    expect(steps.find((s) => s.id === 'builtin-k8s-logs-job')!.input).toEqual({ verb: 'logs', kind: 'job', name: 'backup-1', namespace: 'shop' });
    expect(steps.find((s) => s.id === 'builtin-k8s-describe-node')!.input).toEqual({ verb: 'describe', kind: 'node', name: 'worker-1' });
  });

  it('a node from instance (port stripped) when no node or pod label names one; never a loopback address', () => {
    expect(builtinDiagnostics(alert({ instance: 'worker-2:9100' }), new Set([TOOL.k8s])).map((s) => s.input)).toContainEqual({ verb: 'describe', kind: 'node', name: 'worker-2' });
    expect(builtinDiagnostics(alert({ instance: '127.0.0.1:9100' }), new Set([TOOL.k8s]))).toEqual([]);
    expect(builtinDiagnostics(alert({ instance: 'localhost:9100' }), new Set([TOOL.k8s]))).toEqual([]);
    expect(ids(builtinDiagnostics(alert({ instance: '10.0.0.9:8080', pod: 'p', namespace: 'ns' }), new Set([TOOL.k8s])))).not.toContain('builtin-k8s-describe-node');
  });

  it('no namespace, no namespaced step: a namespace is never guessed', () => {
    expect(builtinDiagnostics(alert({ pod: 'api-0', deployment: 'api' }), new Set([TOOL.k8s]))).toEqual([]);
  });

  it('hostile label values are skipped, never quoted into an input', () => {
    const hostile = ['$(touch /tmp/pwned)', '-n', '--all-namespaces', 'a b', 'a\nb', '../etc', '`id`', "x'; rm -rf /", 'Pod-A'];
    for (const v of hostile) {
      for (const label of ['pod', 'namespace', 'container', 'node', 'deployment', 'persistentvolumeclaim', 'instance']) {
        const base = { namespace: 'shop', pod: 'api-0', container: 'app' } as Record<string, string>;
        const steps = builtinDiagnostics(alert({ ...base, [label]: v }), new Set([TOOL.k8s, TOOL.host]));
        wellFormed(steps);
        expect(JSON.stringify(steps.map((s) => s.input)), `${label}=${JSON.stringify(v)}`).not.toContain(JSON.stringify(v).slice(1, -1));
      }
    }
    // The container alone is dropped; the pod's steps stay.
    const steps = builtinDiagnostics(alert({ namespace: 'shop', pod: 'api-0', container: '$(id)' }), new Set([TOOL.k8s]));
    expect(steps.find((s) => s.id === 'builtin-k8s-logs-pod')!.input).toEqual({ verb: 'logs', kind: 'pod', name: 'api-0', namespace: 'shop', previous: 'if-restarted' });
  });
});

describe('builtinDiagnostics: this machine', () => {
  it('mountpoint and device: df, df -i and du, for an alert about this machine', () => {
    const a = alert({ instance: '127.0.0.1:9100', mountpoint: '/var/lib/docker', device: '/dev/sda1', fstype: 'ext4' });
    const steps = builtinDiagnostics(a, ALL);
    wellFormed(steps);
    expect(steps.filter((s) => s.toolset === 'host').map((s) => [s.id, s.input])).toEqual([
      ['builtin-host-df', { op: 'df', path: '/var/lib/docker' }],
      ['builtin-host-df-inodes', { op: 'df-inodes', path: '/var/lib/docker' }],
      ['builtin-host-du', { op: 'du', path: '/var/lib/docker' }],
    ]);
    // Only a device: df of it, nothing to size.
    expect(builtinDiagnostics(alert({ device: '/dev/nvme0n1p2' }), new Set([TOOL.host])).map((s) => s.input)).toEqual([
      { op: 'df', path: '/dev/nvme0n1p2' },
      { op: 'df-inodes', path: '/dev/nvme0n1p2' },
    ]);
    // A network interface is not a filesystem.
    expect(builtinDiagnostics(alert({ device: 'eth0' }), new Set([TOOL.host]))).toEqual([]);
  });

  it('not for an alert about another machine, or about a Kubernetes workload', () => {
    const about = { mountpoint: '/var', device: '/dev/sda1' };
    expect(builtinDiagnostics(alert({ ...about, instance: 'worker-1:9100' }), new Set([TOOL.host]))).toEqual([]);
    expect(builtinDiagnostics(alert({ ...about, instance: 'worker-1:9100' }), new Set([TOOL.host]), { localHost: ['worker-1'] })).toHaveLength(3);
    expect(builtinDiagnostics(alert({ ...about, node: 'db1.example.com' }), new Set([TOOL.host]), { localHost: ['db1'] })).toHaveLength(3);
    expect(builtinDiagnostics(alert({ ...about, namespace: 'shop', pod: 'api-0' }), new Set([TOOL.host]))).toEqual([]);
    expect(aboutThisMachine({}, [])).toBe(true);
    expect(aboutThisMachine({ instance: '[::1]:9100' }, [])).toBe(true);
    expect(aboutThisMachine({ instance: '10.1.2.3:9100' }, ['10.1.2.3'])).toBe(true);
  });

  it('hostile paths are skipped', () => {
    for (const v of ['/var/../etc', 'var', '-/x', '/a b', '/$(id)', '/a\n/b', '/tmp/`id`']) {
      expect(builtinDiagnostics(alert({ mountpoint: v, device: v }), new Set([TOOL.host])), JSON.stringify(v)).toEqual([]);
    }
  });

  it('memory and load: free and uptime when the expression reads node-exporter memory or load', () => {
    const mem = alert({ instance: 'localhost:9100' }, { expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1' });
    expect(ids(builtinDiagnostics(mem, new Set([TOOL.host])))).toEqual(['builtin-host-free']);
    const load = alert({}, { expr: 'node_load15 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"}) > 2' });
    expect(ids(builtinDiagnostics(load, new Set([TOOL.host])))).toEqual(['builtin-host-uptime']);
    // A cluster-wide memory alert is not about this machine's memory.
    expect(builtinDiagnostics(alert({}, { expr: 'sum(namespace_memory:kube_pod_container_resource_requests:sum) > 1' }), new Set([TOOL.host]))).toEqual([]);
  });

  it('systemd units: status and journal, only where the host tool reads systemd', () => {
    const unit = alert({ name: 'nginx.service', state: 'failed' }, { expr: 'node_systemd_unit_state{state="failed"} == 1' });
    expect(builtinDiagnostics(unit, new Set([TOOL.host]))).toEqual([]);
    const steps = builtinDiagnostics(unit, new Set([TOOL.host, HOST_SYSTEMD]));
    wellFormed(steps);
    expect(steps.map((s) => s.input)).toEqual([
      { op: 'systemd-status', unit: 'nginx.service' },
      { op: 'journal', unit: 'nginx.service', since: '1h', lines: 200 },
    ]);
    expect(steps[0]!.rationale).toBe("built in: systemctl status of nginx.service, named by the alert's name label");
    // `unit` and `systemd_unit` name units; `name` only with a unit suffix; `service` only outside Kubernetes.
    const sys = new Set([TOOL.host, HOST_SYSTEMD]);
    expect(builtinDiagnostics(alert({ unit: 'postgresql@15-main' }), sys)[0]!.input).toEqual({ op: 'systemd-status', unit: 'postgresql@15-main' });
    expect(builtinDiagnostics(alert({ name: 'checkout' }), sys)).toEqual([]);
    expect(builtinDiagnostics(alert({ service: 'checkout' }), sys)[0]!.input).toEqual({ op: 'systemd-status', unit: 'checkout' });
    expect(builtinDiagnostics(alert({ service: 'checkout', namespace: 'shop', instance: 'localhost' }), sys)).toEqual([]);
    expect(builtinDiagnostics(alert({ unit: '-H root@evil' }), sys)).toEqual([]);
    expect(builtinDiagnostics(alert({ unit: 'a;reboot' }), sys)).toEqual([]);
  });
});

describe('builtinDiagnostics: Prometheus', () => {
  const expr = 'max_over_time(alertmanager_config_last_reload_successful{job="alertmanager-main"}[5m]) == 0';

  it("the expression now, over its for window, its selectors, and the alert's ALERTS history", () => {
    const steps = builtinDiagnostics(alert({ alertname: 'AlertmanagerFailedReload', pod: 'alertmanager-main-0' }, { expr, for: '10m' }), new Set([TOOL.prometheusAlert]));
    wellFormed(steps);
    const labels = { alertname: 'AlertmanagerFailedReload', pod: 'alertmanager-main-0' };
    expect(steps.map((s) => [s.id, s.input])).toEqual([
      ['builtin-prometheus-now', { view: 'now', expr, labels }],
      ['builtin-prometheus-window', { view: 'window', expr, window: '10m', labels }],
      ['builtin-prometheus-selectors', { view: 'selectors', expr, window: '1h', labels }],
      ['builtin-prometheus-history', { view: 'history', alertname: 'AlertmanagerFailedReload', labels }],
    ]);
    expect(steps[2]!.rationale).toBe('built in: the inputs of the expression over the last hour (1 selector: alertmanager_config_last_reload_successful{job="alertmanager-main"})');
    expect(steps[3]!.from).toEqual(['alertname']);
  });

  it('the expression from the generator URL; without a for, the last 15m', () => {
    const generatorURL = `http://prometheus:9090/graph?g0.expr=${encodeURIComponent('up{job="node"} == 0')}&g0.tab=1`;
    const steps = builtinDiagnostics(alert({}, {}, { generatorURL }), new Set([TOOL.prometheusAlert]));
    expect(steps.find((s) => s.id === 'builtin-prometheus-window')).toMatchObject({ input: { view: 'window', expr: 'up{job="node"} == 0', window: '15m' }, from: ['generatorURL g0.expr'] });
    expect(steps.find((s) => s.id === 'builtin-prometheus-window')!.rationale).toContain('does not carry its for');
  });

  it('no expression: only the history; a hostile alert name: nothing', () => {
    expect(ids(builtinDiagnostics(alert({}), new Set([TOOL.prometheusAlert])))).toEqual(['builtin-prometheus-history']);
    expect(builtinDiagnostics(alert({ alertname: 'X"} or vector(1)' }), new Set([TOOL.prometheusAlert]))).toEqual([]);
    // An expression without selectors has no selectors step.
    expect(ids(builtinDiagnostics(alert({}, { expr: 'vector(1) > 0' }), new Set([TOOL.prometheusAlert])))).toEqual(['builtin-prometheus-now', 'builtin-prometheus-window', 'builtin-prometheus-history']);
  });
});

describe('builtinDiagnostics: health URLs and availability', () => {
  it('an HTTP GET of a URL label, only when its host is allowed', () => {
    const a = alert({ instance: 'https://shop.example.com/healthz', job: 'blackbox' }, { expr: 'probe_success == 0' });
    expect(builtinDiagnostics(a, new Set([TOOL.http]))).toEqual([]);
    const steps = builtinDiagnostics(a, new Set([TOOL.http]), { allowedHosts: ['shop.example.com'] });
    wellFormed(steps);
    expect(steps).toMatchObject([{ id: 'builtin-http-health', tool: 'http_request', input: { method: 'GET', url: 'https://shop.example.com/healthz' }, from: ['instance'] }]);
    expect(builtinDiagnostics(alert({ url: 'https://user:pw@shop.example.com/' }), new Set([TOOL.http]), { allowedHosts: ['shop.example.com'] })).toEqual([]);
    expect(builtinDiagnostics(alert({ url: 'file:///etc/passwd' }), new Set([TOOL.http]), { allowedHosts: [''] })).toEqual([]);
  });

  it('nothing that is not available', () => {
    const a = alert({ namespace: 'shop', pod: 'api-0', mountpoint: '/var' }, { expr: 'up == 0' });
    expect(builtinDiagnostics(a, new Set())).toEqual([]);
    expect(new Set(builtinDiagnostics(a, new Set([TOOL.k8s])).map((s) => s.tool))).toEqual(new Set([TOOL.k8s]));
  });

  it('builtinAvailability: tool names, plus host:systemd when the host tool reads systemd', () => {
    expect(builtinAvailability([{ name: 'shell' }, { name: 'host', systemd: false } as { name: string }])).toEqual(new Set(['shell', 'host']));
    expect(builtinAvailability([{ name: 'host', systemd: true } as { name: string }, { name: 'k8s' }])).toEqual(new Set(['host', 'k8s', HOST_SYSTEMD]));
  });
});

describe.skipIf(!fs.existsSync(CORPUS))('builtinDiagnostics on the 233 corpus alerts', () => {
  const rules = corpusRules();

  function coverage(localHost: readonly string[]) {
    const by: Record<string, number> = {};
    const kinds: Record<string, number> = {};
    let labelled = 0;
    for (const r of rules) {
      const steps = builtinDiagnostics(firingAlert(r), ALL, { localHost });
      wellFormed(steps);
      for (const t of new Set(steps.map((s) => s.toolset))) by[t] = (by[t] ?? 0) + 1;
      for (const k of new Set(steps.filter((s) => s.toolset === 'k8s').map((s) => (s.input as { kind: string }).kind))) kinds[k] = (kinds[k] ?? 0) + 1;
      if (steps.some((s) => s.toolset !== 'prometheus')) labelled++;
    }
    return { by, kinds, labelled };
  }

  it('counts the alerts that get at least one, by toolset', () => {
    expect(rules).toHaveLength(233);
    // The engine on another machine than the alert's (the usual case for node alerts).
    const elsewhere = coverage([]);
    // The engine on the alert's node (instance worker-1:9100).
    const onNode = coverage(['worker-1']);
    console.log(`built-in coverage of the 233 corpus alerts: ${JSON.stringify({ elsewhere, onNode })}`);
    expect(elsewhere.by).toEqual({ prometheus: 233, k8s: 119 });
    expect(elsewhere.labelled).toBe(119);
    expect(onNode.by).toEqual({ prometheus: 233, k8s: 119, host: 16 });
    expect(onNode.labelled).toBe(119);
  });

  it('with every label value hostile, no label fills anything', () => {
    const hostile = ['$(touch /tmp/pwned)', '-rf', '../../etc/passwd', 'a b', '`id`', 'x\ny'];
    for (const v of hostile) {
      for (const r of rules) {
        const steps = builtinDiagnostics(firingAlert(r, () => v), ALL, { localHost: ['worker-1'], allowedHosts: ['example.com'] });
        wellFormed(steps);
        // Only the expression's own steps remain (the expression is the rule's, not a label); the alert's labels
        // ride along in prometheus_alert's `labels`, which are compared with series, never put into a query.
        expect(steps.every((s) => s.toolset === 'prometheus' && (s.input as { view: string }).view !== 'history'), `${r.alert} ${v}`).toBe(true);
      }
    }
  });
});
