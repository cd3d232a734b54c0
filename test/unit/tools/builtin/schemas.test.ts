// Every string a built-in diagnostic takes has a safe shape: hostile values are refused by the schema, so
// they never reach an argv or a query.
import { describe, expect, it } from 'vitest';
import { HostInput, hostInput } from '../../../../engine/execution/tools/builtin/host';
import { K8sInput } from '../../../../engine/execution/tools/builtin/k8s';
import { PrometheusAlertInput } from '../../../../engine/execution/tools/builtin/prometheus';
import { AbsolutePath, AlertName, Duration, durationSeconds, K8sContainer, K8sName, K8sNamespace, Since, UnitName } from '../../../../engine/execution/tools/builtin/shapes';

/** Values no field may take: options, shell syntax, whitespace, traversal, control characters. */
const HOSTILE = ['-n', '--all-namespaces', '--kubeconfig=/tmp/x', '$(touch /tmp/pwned)', '`id`', 'a b', 'a\nb', 'a\tb', '..', 'a/../b', 'a;b', 'a|b', "a'b", 'a"b', 'a\\b', 'a\0b', '', '*', 'a*'];

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('shapes', () => {
  it('Kubernetes names are RFC 1123 subdomains; namespaces and containers RFC 1123 labels', () => {
    for (const v of ['api-0', 'checkout-7c9f8b6d4-x2x9q', 'ip-10-0-0-1.ec2.internal', '10.0.0.1', 'a']) expect(ok(K8sName, v), v).toBe(true);
    for (const v of ['web', 'kube-system', 'a1']) expect(ok(K8sNamespace, v), v).toBe(true);
    for (const v of [...HOSTILE, 'Api', '-api', 'api-', '.api', 'api.', 'a..b', 'a_b', 'x'.repeat(254)]) expect(ok(K8sName, v), JSON.stringify(v)).toBe(false);
    for (const v of [...HOSTILE, 'kube.system', 'x'.repeat(64), 'POD']) {
      expect(ok(K8sNamespace, v), JSON.stringify(v)).toBe(false);
      expect(ok(K8sContainer, v), JSON.stringify(v)).toBe(false);
    }
  });

  it('unit names: plain systemd names only', () => {
    for (const v of ['nginx', 'nginx.service', 'getty@tty1.service', 'systemd-journald.service', 'dev-sda1.device', 'a:b']) expect(ok(UnitName, v), v).toBe(true);
    for (const v of [...HOSTILE, '.service', 'a..service', 'foo?', 'x'.repeat(256)]) expect(ok(UnitName, v), JSON.stringify(v)).toBe(false);
  });

  it('paths: absolute, no "..", "." or empty segments, no leading "-", plain characters', () => {
    for (const v of ['/', '/var/lib/docker', '/dev/sda1', '/srv/data-1/x_y@z', '/mnt/a:b,c+d=e%f']) expect(ok(AbsolutePath, v), v).toBe(true);
    for (const v of [...HOSTILE, 'var/log', '-/x', '/var/../etc', '/var/./log', '/var//log', '/var/log/', '/a b', '/a\nb', '/$(id)', '/a;rm', '~/x', `/${'x'.repeat(4096)}`]) {
      expect(ok(AbsolutePath, v), JSON.stringify(v)).toBe(false);
    }
  });

  it('durations, journal since and alert names', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('250ms')).toBe(0.25);
    expect(durationSeconds('5 m')).toBeNaN();
    const d = Duration(60, 86_400);
    for (const v of ['1m', '15m', '1h', '1d', '2h30m']) expect(ok(d, v), v).toBe(true);
    for (const v of ['30s', '2d', '-5m', '5', 'm', '1h;', ...HOSTILE]) expect(ok(d, v), JSON.stringify(v)).toBe(false);
    for (const v of ['30m', '2h', '1d', '90s']) expect(ok(Since, v), v).toBe(true);
    for (const v of ['0m', '-1h', '1w', 'today', '1h30m', ...HOSTILE]) expect(ok(Since, v), JSON.stringify(v)).toBe(false);
    for (const v of ['KubePodCrashLooping', 'node:cpu_high', 'Up', 'a-b.c']) expect(ok(AlertName, v), v).toBe(true);
    for (const v of [...HOSTILE, '1Up', 'A"}or vector(1)']) expect(ok(AlertName, v), JSON.stringify(v)).toBe(false);
  });
});

describe('k8s input', () => {
  const pod = { verb: 'get', kind: 'pod', name: 'api-0', namespace: 'web' };

  it('takes every verb and kind it can run, and nothing else', () => {
    expect(ok(K8sInput, pod)).toBe(true);
    expect(ok(K8sInput, { ...pod, verb: 'describe', kind: 'persistentvolumeclaim' })).toBe(true);
    expect(ok(K8sInput, { verb: 'top', kind: 'node', name: 'worker-1' })).toBe(true);
    expect(ok(K8sInput, { ...pod, verb: 'logs', container: 'app', previous: 'if-restarted', tail: 50 })).toBe(true);
    expect(ok(K8sInput, { ...pod, verb: 'logs', kind: 'job', previous: true })).toBe(true);
    for (const verb of ['delete', 'exec', 'apply', 'edit', 'patch', 'scale', 'cordon', 'drain', 'port-forward', 'cp', 'run', 'debug']) expect(ok(K8sInput, { ...pod, verb }), verb).toBe(false);
    for (const kind of ['secret', 'configmap', 'pods', 'Pod', 'service']) expect(ok(K8sInput, { ...pod, kind }), kind).toBe(false);
    expect(ok(K8sInput, { ...pod, selector: 'app=x' })).toBe(false);
  });

  it('refuses hostile names, namespaces and containers', () => {
    for (const v of HOSTILE) {
      expect(ok(K8sInput, { ...pod, name: v }), `name ${JSON.stringify(v)}`).toBe(false);
      expect(ok(K8sInput, { ...pod, namespace: v }), `namespace ${JSON.stringify(v)}`).toBe(false);
      expect(ok(K8sInput, { ...pod, verb: 'logs', container: v }), `container ${JSON.stringify(v)}`).toBe(false);
    }
  });

  it('says which combinations do not make sense', () => {
    const problems = (input: unknown) => {
      const r = K8sInput.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ verb: 'get', kind: 'pod', name: 'a' })).toEqual(['namespace: a pod is in a namespace: namespace is required']);
    expect(problems({ verb: 'get', kind: 'node', name: 'a', namespace: 'web' })).toEqual(['namespace: a node is not in a namespace']);
    expect(problems({ ...pod, tail: 10 })).toEqual(['tail: only the logs verb takes tail']);
    expect(problems({ ...pod, verb: 'logs', kind: 'persistentvolumeclaim' })).toEqual(['kind: logs reads pods and their controllers, not a persistentvolumeclaim']);
    expect(problems({ ...pod, verb: 'top', kind: 'deployment' })).toEqual(['kind: top measures pods and nodes, not a deployment']);
    expect(problems({ ...pod, verb: 'logs', kind: 'deployment', previous: 'if-restarted' })).toEqual(["previous: 'if-restarted' reads a pod's restart count: kind must be pod"]);
    expect(problems({ ...pod, verb: 'logs', tail: 0 })).toHaveLength(1);
    expect(problems({ ...pod, verb: 'logs', tail: 5001 })).toHaveLength(1);
  });
});

describe('host input', () => {
  it('each operation takes exactly its own fields', () => {
    for (const input of [{ op: 'df' }, { op: 'df', path: '/var' }, { op: 'df-inodes', path: '/' }, { op: 'du', path: '/var/log' }, { op: 'free' }, { op: 'uptime' }, { op: 'systemd-status', unit: 'nginx.service' }, { op: 'journal', unit: 'nginx', since: '2h', lines: 50 }]) {
      expect(ok(HostInput, input), JSON.stringify(input)).toBe(true);
    }
    for (const input of [{ op: 'du' }, { op: 'free', path: '/' }, { op: 'uptime', unit: 'x' }, { op: 'systemd-status' }, { op: 'journal', unit: 'x', path: '/' }, { op: 'df', since: '1h' }, { op: 'rm', path: '/' }, { op: 'df', extra: 1 }]) {
      expect(ok(HostInput, input), JSON.stringify(input)).toBe(false);
    }
  });

  it('refuses hostile paths and units', () => {
    for (const v of HOSTILE) {
      expect(ok(HostInput, { op: 'du', path: v }), `path ${JSON.stringify(v)}`).toBe(false);
      expect(ok(HostInput, { op: 'df', path: v }), `path ${JSON.stringify(v)}`).toBe(false);
      expect(ok(HostInput, { op: 'systemd-status', unit: v }), `unit ${JSON.stringify(v)}`).toBe(false);
      expect(ok(HostInput, { op: 'journal', unit: 'nginx', since: v }), `since ${JSON.stringify(v)}`).toBe(false);
    }
  });

  it('without systemd, its operations are refused with the reason', () => {
    const r = hostInput(false).safeParse({ op: 'journal', unit: 'nginx' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('journal needs systemd, which is not running on this machine (no /run/systemd/system)');
    expect(hostInput(false).safeParse({ op: 'df' }).success).toBe(true);
  });
});

describe('prometheus_alert input', () => {
  it('takes each view with its own fields', () => {
    const expr = 'rate(http_requests_total{job="api"}[5m]) > 1';
    for (const input of [
      { view: 'now', expr },
      { view: 'window', expr, window: '10m', labels: { job: 'api', instance: 'a:9090' } },
      { view: 'selectors', expr },
      { view: 'history', alertname: 'HighRate' },
    ]) {
      expect(ok(PrometheusAlertInput, input), JSON.stringify(input)).toBe(true);
    }
    for (const input of [
      { view: 'now' },
      { view: 'now', expr, window: '1h' },
      { view: 'window', expr, window: '30s' },
      { view: 'window', expr, window: '8d' },
      { view: 'history' },
      { view: 'history', alertname: 'X', expr },
      { view: 'history', alertname: 'X', window: '1h' },
      { view: 'selectors', expr: 'vector(1) > 0' },
      { view: 'selectors', expr: 'up{job="unterminated}' },
      { view: 'now', expr, labels: { 'not a label': 'x' } },
      { view: 'query', expr },
    ]) {
      expect(ok(PrometheusAlertInput, input), JSON.stringify(input)).toBe(false);
    }
  });

  it('refuses hostile alert names: the history query is built from them', () => {
    for (const v of [...HOSTILE, 'X"} or vector(1) or ALERTS{a="', 'X\\']) expect(ok(PrometheusAlertInput, { view: 'history', alertname: v }), JSON.stringify(v)).toBe(false);
  });
});
