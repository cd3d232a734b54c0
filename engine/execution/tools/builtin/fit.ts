// Which built-in diagnostics fit an alert: a pure function of the alert and of what is available. A step is
// offered only when the alert's own labels fill its input and every value passes the tool's schema; a label
// value that does not fit (`$(…)`, a leading `-`, spaces, `..`) is skipped, never quoted into anything.
import { hostAllowed } from '../../net/hosts';
import type { AlertRequest } from '../../../control/workflow/request';
import { TOOL } from '../names';
import { HostInput, type HostInput as HostInputT } from './host';
import { K8sInput, LOGS_KINDS, TOP_KINDS, type K8sKind, type K8sVerb } from './k8s';
import { PrometheusAlertInput } from './prometheus';
import { promqlSelectors, type Selector } from './selectors';
import { AbsolutePath, durationSeconds, K8sName, K8sNamespace, K8sContainer, UnitName } from './shapes';

/** In `available`: the host tool can read systemd here (its systemd-status and journal operations). */
export const HOST_SYSTEMD = 'host:systemd';

export type Toolset = 'prometheus' | 'k8s' | 'host' | 'http';

export interface BuiltinDiagnostic {
  /** Stable and readable: `builtin-k8s-describe-pod`, `builtin-host-df`, `builtin-prometheus-now`. */
  readonly id: string;
  readonly tool: string;
  /** Valid for the tool's input schema. */
  readonly input: unknown;
  /** Starts with "built in: ": what it reads and which of the alert's labels chose it. */
  readonly rationale: string;
  readonly toolset: Toolset;
  /** The alert's labels (or `expr`) the input was filled from. */
  readonly from: readonly string[];
}

export interface FitOptions {
  /** runbookAgent.tools.allowedHosts: a health URL is offered only when its host is allowed. */
  readonly allowedHosts?: readonly string[];
  /**
   * This machine's names and addresses (index.ts: localHostNames()). The host toolset reads this machine, so it
   * is offered for an alert that names no machine, or names this one. Loopback names always count.
   */
  readonly localHost?: readonly string[];
}

/** Label names read for each object, first match wins. */
const K8S_LABELS: ReadonlyArray<{ readonly kind: K8sKind; readonly labels: readonly string[]; readonly short: string }> = [
  { kind: 'pod', labels: ['pod', 'pod_name', 'kubernetes_pod_name'], short: 'pod' },
  { kind: 'deployment', labels: ['deployment'], short: 'deployment' },
  { kind: 'statefulset', labels: ['statefulset'], short: 'statefulset' },
  { kind: 'daemonset', labels: ['daemonset'], short: 'daemonset' },
  // `job` is Prometheus's scrape job; kube-state-metrics names a Kubernetes Job `job_name`.
  { kind: 'job', labels: ['job_name'], short: 'job' },
  { kind: 'persistentvolumeclaim', labels: ['persistentvolumeclaim'], short: 'pvc' },
];
const NAMESPACE_LABELS = ['namespace', 'kubernetes_namespace'];
const CONTAINER_LABELS = ['container', 'container_name'];
/** Labels that name a machine: the host toolset is for alerts about this one. */
const MACHINE_LABELS = ['instance', 'node', 'host', 'hostname', 'nodename'];
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const UNIT_SUFFIX = /\.(service|socket|timer|mount|automount|target|path|slice|scope|swap|device)$/;
const URL_LABELS = ['health_url', 'healthcheck_url', 'url', 'probe_url', 'target', 'instance'];
const DEFAULT_WINDOW = '15m';

const VERBS: Readonly<Record<K8sKind, readonly K8sVerb[]>> = {
  pod: ['get', 'describe', 'logs', 'events', 'top'],
  deployment: ['get', 'describe', 'logs', 'events'],
  statefulset: ['get', 'describe', 'logs', 'events'],
  daemonset: ['get', 'describe', 'logs', 'events'],
  job: ['get', 'describe', 'logs', 'events'],
  persistentvolumeclaim: ['get', 'describe', 'events'],
  node: ['get', 'describe', 'events', 'top'],
};
const VERB_TEXT: Readonly<Record<K8sVerb, string>> = {
  get: 'kubectl get -o wide',
  describe: 'kubectl describe',
  logs: 'kubectl logs --tail',
  events: 'the events',
  top: 'kubectl top',
};

/**
 * The built-in diagnostics whose inputs this alert's labels fill, given the tools `available` (tool names, plus
 * HOST_SYSTEMD when the host tool reads systemd; index.ts: builtinAvailability(tools)). Order: Prometheus (the
 * alert's own evidence), then Kubernetes, the host, health URLs.
 */
export function builtinDiagnostics(request: AlertRequest, available: ReadonlySet<string>, options: FitOptions = {}): BuiltinDiagnostic[] {
  const out: BuiltinDiagnostic[] = [];
  const labels = request.labels;
  if (available.has(TOOL.prometheusAlert)) out.push(...prometheusSteps(request));
  if (available.has(TOOL.k8s)) out.push(...k8sSteps(labels));
  if (available.has(TOOL.host) && aboutThisMachine(labels, options.localHost ?? [])) out.push(...hostSteps(request, available.has(HOST_SYSTEMD)));
  if (available.has(TOOL.http)) out.push(...httpSteps(labels, options.allowedHosts ?? []));
  return out;
}

/** A plan step's rationale holds at most 500 characters. */
const MAX_RATIONALE = 500;
function cap(text: string): string {
  return text.length <= MAX_RATIONALE ? text : `${text.slice(0, MAX_RATIONALE - 1)}…`;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

// ---- Prometheus --------------------------------------------------------------------------------------

/** The alert rule's expression: annotations.expr, else `g0.expr` in the generator URL Prometheus links to. */
export function alertExpression(request: AlertRequest): string | undefined {
  const expr = request.annotations.expr?.trim();
  if (expr) return expr;
  if (!request.generatorURL) return undefined;
  try {
    return new URL(request.generatorURL).searchParams.get('g0.expr')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The rule's `for` (annotations.for or labels.for) when it is a duration of 1 minute to 7 days. */
function forWindow(request: AlertRequest): string | undefined {
  const f = (request.annotations.for ?? request.labels.for)?.trim();
  if (!f) return undefined;
  const s = durationSeconds(f);
  return s >= 60 && s <= 7 * 86_400 ? f : undefined;
}

function selectorsOf(expr: string | undefined): Selector[] {
  if (!expr) return [];
  try {
    return promqlSelectors(expr);
  } catch {
    return [];
  }
}

function prometheusSteps(request: AlertRequest): BuiltinDiagnostic[] {
  const steps: BuiltinDiagnostic[] = [];
  const expr = alertExpression(request);
  const given = Object.fromEntries(Object.entries(request.labels).filter(([k]) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) && k.length <= 200));
  const alertLabels = Object.keys(given).length ? { labels: given } : {};
  const from = expr ? [request.annotations.expr?.trim() ? 'annotations.expr' : 'generatorURL g0.expr'] : [];
  const push = (id: string, input: unknown, rationale: string, used: readonly string[]) => {
    if (PrometheusAlertInput.safeParse(input).success) steps.push({ id: `builtin-prometheus-${id}`, tool: TOOL.prometheusAlert, input, rationale: cap(`built in: ${rationale}`), toolset: 'prometheus', from: used });
  };
  if (expr) {
    push('now', { view: 'now', expr, ...alertLabels }, "the alert's expression evaluated now: the series that fire, with their labels and values", from);
    const window = forWindow(request);
    push(
      'window',
      { view: 'window', expr, window: window ?? DEFAULT_WINDOW, ...alertLabels },
      window ? `the alert's expression over its for window (${window})` : `the alert's expression over the last ${DEFAULT_WINDOW} (the alert does not carry its for)`,
      from,
    );
    const selectors = selectorsOf(expr);
    if (selectors.length) {
      const names = selectors.slice(0, 3).map((s) => s.text).join(', ');
      push('selectors', { view: 'selectors', expr, window: '1h', ...alertLabels }, `the inputs of the expression over the last hour (${selectors.length} selector${selectors.length > 1 ? 's' : ''}: ${names}${selectors.length > 3 ? ', …' : ''})`, from);
    }
  }
  const alertname = request.labels.alertname;
  if (alertname !== undefined) push('history', { view: 'history', alertname, ...alertLabels }, `ALERTS{alertname="${alertname}"} over the last 24h: when this alert was pending or firing`, ['alertname']);
  return steps;
}

// ---- Kubernetes --------------------------------------------------------------------------------------

/** The first of `names` whose value passes `shape`: [label, value], or undefined. */
function pick(labels: Record<string, string>, names: readonly string[], ok: (v: string) => boolean): [string, string] | undefined {
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && ok(v)) return [n, v];
  }
  return undefined;
}

const fits = (schema: { safeParse(v: unknown): { success: boolean } }) => (v: string) => schema.safeParse(v).success;

/** `host:port` without the port (an IPv6 `[a::b]:port` keeps its brackets off). */
export function stripPort(instance: string): string {
  const v6 = /^\[([^\]]+)\](:\d+)?$/.exec(instance);
  if (v6) return v6[1]!;
  return instance.replace(/:\d+$/, '');
}

function k8sSteps(labels: Record<string, string>): BuiltinDiagnostic[] {
  const steps: BuiltinDiagnostic[] = [];
  const ns = pick(labels, NAMESPACE_LABELS, fits(K8sNamespace));
  const container = pick(labels, CONTAINER_LABELS, fits(K8sContainer));
  const add = (kind: K8sKind, short: string, name: string, used: string[], namespace?: string) => {
    for (const verb of VERBS[kind]) {
      if (verb === 'logs' && !LOGS_KINDS.has(kind)) continue;
      if (verb === 'top' && !TOP_KINDS.has(kind)) continue;
      const logs = verb === 'logs';
      const input = {
        verb,
        kind,
        name,
        ...(namespace !== undefined ? { namespace } : {}),
        ...(logs && container ? { container: container[1] } : {}),
        ...(logs && kind === 'pod' ? { previous: 'if-restarted' as const } : {}),
      };
      if (!K8sInput.safeParse(input).success) continue;
      const usedHere = logs && container ? [...used, container[0]] : used;
      const where = namespace !== undefined ? ` in namespace ${namespace}` : '';
      const extra = logs ? `${container ? ` (container ${container[1]})` : ''}${kind === 'pod' ? ", and the previous container's when it has restarted" : ''}` : '';
      steps.push({
        id: `builtin-k8s-${verb}-${short}`,
        tool: TOOL.k8s,
        input,
        rationale: cap(`built in: ${VERB_TEXT[verb]} of ${kind} ${name}${where}${extra}, named by the alert's ${listed(usedHere)} label${usedHere.length > 1 ? 's' : ''}`),
        toolset: 'k8s',
        from: usedHere,
      });
    }
  };
  for (const o of K8S_LABELS) {
    const found = pick(labels, o.labels, fits(K8sName));
    if (!found || !ns) continue; // never a guessed namespace
    add(o.kind, o.short, found[1], [found[0], ns[0]], ns[1]);
  }
  const node = pick(labels, ['node'], fits(K8sName));
  if (node) add('node', 'node', node[1], [node[0]]);
  else if (labels.instance !== undefined && !labels.pod) {
    // node-exporter's instance is the node's name in kube-prometheus; a loopback address is never a node.
    const host = stripPort(labels.instance);
    if (!LOOPBACK.includes(host.toLowerCase()) && !host.startsWith('127.') && K8sName.safeParse(host).success) add('node', 'node', host, ['instance']);
  }
  return steps;
}

// ---- This machine ------------------------------------------------------------------------------------

/**
 * The alert names this machine (a loopback name, or one of `local`), or names no machine and is not about a
 * Kubernetes workload (a namespace or pod label: that is a cluster's, wherever the engine runs).
 */
export function aboutThisMachine(labels: Record<string, string>, local: readonly string[]): boolean {
  const named = MACHINE_LABELS.map((l) => labels[l]).filter((v): v is string => v !== undefined && v !== '');
  if (named.length === 0) return ![...NAMESPACE_LABELS, 'pod'].some((l) => labels[l] !== undefined);
  const mine = new Set([...LOOPBACK, ...local].map((n) => n.toLowerCase()));
  return named.some((v) => {
    const h = stripPort(v).toLowerCase();
    return mine.has(h) || h.startsWith('127.') || mine.has(h.split('.')[0]!);
  });
}

function hostSteps(request: AlertRequest, systemd: boolean): BuiltinDiagnostic[] {
  const labels = request.labels;
  const steps: BuiltinDiagnostic[] = [];
  const add = (id: string, input: HostInputT, rationale: string, used: string[]) => {
    if (HostInput.safeParse(input).success) steps.push({ id: `builtin-host-${id}`, tool: TOOL.host, input, rationale: cap(`built in: ${rationale}`), toolset: 'host', from: used });
  };
  const isPath = fits(AbsolutePath);
  const mount = pick(labels, ['mountpoint'], isPath);
  const device = pick(labels, ['device'], (v) => v.startsWith('/dev/') && isPath(v));
  const folder = pick(labels, ['path', 'dir', 'directory'], isPath);
  const fsAt = mount ?? device;
  if (fsAt) {
    add('df', { op: 'df', path: fsAt[1] }, `df -h of ${fsAt[1]}, named by the alert's ${fsAt[0]} label`, [fsAt[0]]);
    add('df-inodes', { op: 'df-inodes', path: fsAt[1] }, `df -i (inodes) of ${fsAt[1]}, named by the alert's ${fsAt[0]} label`, [fsAt[0]]);
  }
  const sizeAt = folder ?? mount;
  if (sizeAt) {
    if (!fsAt) add('df', { op: 'df', path: sizeAt[1] }, `df -h of the filesystem holding ${sizeAt[1]}, named by the alert's ${sizeAt[0]} label`, [sizeAt[0]]);
    add('du', { op: 'du', path: sizeAt[1] }, `du of ${sizeAt[1]} one level deep (largest first), named by the alert's ${sizeAt[0]} label`, [sizeAt[0]]);
  }
  // Memory and load: the expression reads node-exporter's memory or load/CPU (or, without one, the name says so).
  const expr = alertExpression(request);
  const metrics = selectorsOf(expr).map((s) => s.metric ?? '');
  const name = expr ? '' : (labels.alertname ?? '');
  const by = expr ? ['expr'] : ['alertname'];
  if (metrics.some((m) => /^node_(memory|vmstat_oom|pressure_memory)/.test(m)) || /Memory|OOM|Swap/.test(name)) add('free', { op: 'free' }, 'free -m: the alert is about memory on this machine', by);
  if (metrics.some((m) => /^node_(load|cpu|pressure_cpu)/.test(m)) || /Load|CPU/.test(name)) add('uptime', { op: 'uptime' }, 'uptime: the load averages (the alert is about load or CPU on this machine)', by);
  if (systemd) {
    const k8s = NAMESPACE_LABELS.some((l) => labels[l] !== undefined) || labels.pod !== undefined;
    const unit =
      pick(labels, ['unit', 'systemd_unit'], fits(UnitName)) ??
      pick(labels, ['name'], (v) => UNIT_SUFFIX.test(v) && fits(UnitName)(v)) ??
      (k8s ? undefined : pick(labels, ['service'], fits(UnitName)));
    if (unit) {
      add('systemd-status', { op: 'systemd-status', unit: unit[1] }, `systemctl status of ${unit[1]}, named by the alert's ${unit[0]} label`, [unit[0]]);
      add('journal', { op: 'journal', unit: unit[1], since: '1h', lines: 200 }, `journalctl -u ${unit[1]} for the last hour, named by the alert's ${unit[0]} label`, [unit[0]]);
    }
  }
  return steps;
}

// ---- Health URLs -------------------------------------------------------------------------------------

function httpSteps(labels: Record<string, string>, allowedHosts: readonly string[]): BuiltinDiagnostic[] {
  for (const name of URL_LABELS) {
    const v = labels[name];
    if (v === undefined || !/^https?:\/\//i.test(v) || /\s/.test(v)) continue;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      continue;
    }
    if (url.username || url.password || !hostAllowed(url, allowedHosts)) continue;
    return [
      {
        id: 'builtin-http-health',
        tool: TOOL.http,
        input: { method: 'GET', url: url.href },
        rationale: cap(`built in: an HTTP GET of ${url.href}, named by the alert's ${name} label (its host is in runbookAgent.tools.allowedHosts)`),
        toolset: 'http',
        from: [name],
      },
    ];
  }
  return [];
}
