// Which alert value a placeholder stands for. Names are compared case-insensitively with `-` and `_` alike, so
// $NAMESPACE, <namespace> and {{ $labels.namespace }} are one value, and one question when the alert lacks it.
import type { Placeholder } from '../../memory/runbook';
import type { AlertRequest } from '../../control/workflow/request';

/** `<value of namespace label from alert>`, `<the pod label>`: the corpus's way to name a label in prose. */
const LABEL_IN_PROSE = /(?:^|\s)([A-Za-z_][\w-]*)\s+label\b/i;

/** The placeholder's name, normalised: lower case, `_` for anything else (`pod-name` -> `pod_name`). */
function normalisedName(p: Placeholder): string {
  let base = p.name;
  if (p.form === 'template') base = p.name === 'value' ? 'value' : p.name.slice(p.name.indexOf('.') + 1);
  else if (p.form === 'angle') base = LABEL_IN_PROSE.exec(p.name)?.[1] ?? p.name;
  const n = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  return n === '' ? 'value' : n;
}

/**
 * The answer name shared by every spelling of one value (also the `{{answer:NAME}}` marker's name). A `_name`
 * suffix is dropped, so `<pod-name>` and `$POD` are one question.
 */
export function answerName(p: Placeholder): string {
  return withoutNameSuffix(normalisedName(p));
}

function withoutNameSuffix(n: string): string {
  return n.endsWith('_name') && n.length > 5 ? n.slice(0, -5) : n;
}

/** How a label is turned into the value a placeholder wants (`instance` "10.0.0.1:9100" names the node 10.0.0.1). */
type Take = (value: string) => string | undefined;
const asIs: Take = (v) => v;
const withoutPort: Take = (v) => /^\[?[^\]]*\]?:\d+$/.test(v) ? v.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') : v;

/**
 * The documented conventions (README): a placeholder's name -> the labels that hold its value, tried in order.
 * `$NAMESPACE`, `<namespace>` and `{{ $labels.namespace }}` all reach `namespace` already by name; these add the
 * spellings runbooks use for the same thing. A runbook's front matter can add its own (`placeholders: DB=datname`).
 */
export const CONVENTIONS: Readonly<Record<string, ReadonlyArray<readonly [string, Take]>>> = {
  ns: [['namespace', asIs]],
  project: [['namespace', asIs]],
  namespace: [['namespace', asIs], ['exported_namespace', asIs]],
  pod: [['pod', asIs], ['pod_name', asIs], ['exported_pod', asIs]],
  podname: [['pod', asIs]],
  container: [['container', asIs], ['container_name', asIs]],
  node: [['node', asIs], ['nodename', asIs], ['kubernetes_node', asIs], ['instance', withoutPort]],
  host: [['host', asIs], ['hostname', asIs], ['nodename', asIs], ['instance', withoutPort]],
  instance: [['instance', asIs]],
  job: [['job', asIs], ['job_name', asIs]],
  service: [['service', asIs], ['service_name', asIs]],
  svc: [['service', asIs]],
  deployment: [['deployment', asIs]],
  deploy: [['deployment', asIs]],
  statefulset: [['statefulset', asIs]],
  sts: [['statefulset', asIs]],
  daemonset: [['daemonset', asIs]],
  ds: [['daemonset', asIs]],
  pvc: [['persistentvolumeclaim', asIs]],
  persistentvolumeclaim: [['persistentvolumeclaim', asIs]],
  pv: [['persistentvolume', asIs], ['volumename', asIs]],
  mountpoint: [['mountpoint', asIs]],
  device: [['device', asIs]],
  unit: [['name', asIs], ['unit', asIs]],
  cluster: [['cluster', asIs]],
};

/** `placeholders: DB=datname, TOPIC=topic` in a runbook's front matter: its own names for alert labels. */
export function conventionsOf(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (metadata.placeholders ?? '').split(',')) {
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*([A-Za-z_][\w-]*)\s*$/.exec(pair);
    if (m) out[m[1]!.toLowerCase().replace(/-/g, '_')] = m[2]!;
  }
  return out;
}

/** The alert's value for a placeholder, or undefined: never a guess. Empty values count as absent. */
export function valueFor(p: Placeholder, request: AlertRequest, own: Readonly<Record<string, string>> = {}): string | undefined {
  if (p.form === 'template') {
    if (p.name === 'value') return nonEmpty(request.annotations.value);
    const [scope, key] = [p.name.slice(0, p.name.indexOf('.')), p.name.slice(p.name.indexOf('.') + 1)];
    // Common and group labels are subsets of the alert's own labels; external labels are not on the alert.
    if (scope === 'annotations' || scope === 'commonAnnotations') return nonEmpty(request.annotations[key]) ?? byKey(request.annotations, key);
    if (scope === 'externalLabels') return undefined;
    return nonEmpty(request.labels[key]) ?? byKey(request.labels, key);
  }
  const name = normalisedName(p);
  const candidates = [...new Set([name, withoutNameSuffix(name)])];
  // The runbook's own names first, then the label named like the placeholder, then the conventions.
  for (const c of candidates) {
    const label = own[c];
    const v = label === undefined ? undefined : byKey(request.labels, label);
    if (v !== undefined) return v;
  }
  for (const c of candidates) {
    const v = byKey(request.labels, c) ?? byKey(request.annotations, c);
    if (v !== undefined) return v;
  }
  for (const c of candidates) {
    for (const [label, take] of CONVENTIONS[c] ?? []) {
      const raw = byKey(request.labels, label);
      const v = raw === undefined ? undefined : take(raw);
      if (v !== undefined && v !== '') return v;
    }
  }
  return undefined;
}

function byKey(map: Readonly<Record<string, string>>, wanted: string): string | undefined {
  const w = norm(wanted);
  for (const [k, v] of Object.entries(map)) if (norm(k) === w && v !== '') return v;
  return undefined;
}

function norm(key: string): string {
  return key.toLowerCase().replace(/-/g, '_');
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
