// Whose failure a line shows. A namespace's events (`oc get events -n openshift-logging`) list every object in it,
// and the loudest rows may be another workload's (a collector's BackOff beside the alert's pod that cannot be
// scheduled). A signature whose lines all name other objects (`pod/collector-x9k2w`) is about them: said in the
// finding, not put forward as a likely cause of this alert. A line that names no object is never judged so.
import { SIGNATURES, type Observation } from './observations';

/** `kind/name` as kubectl prints an object (an events table's OBJECT column, `Controlled By`, `-o name`). */
const OBJECT = /\b(?:pods?|deployments?|replicasets?|statefulsets?|daemonsets?|jobs?|cronjobs?|nodes?|persistentvolumeclaims?|pvc)\/([a-z0-9][-a-z0-9.]*[a-z0-9])/gi;
/** Labels that name the alert's own objects; a pod or replica set named after one of them is its own too. */
const OBJECT_LABELS = ['pod', 'deployment', 'statefulset', 'daemonset', 'replicaset', 'job_name', 'cronjob', 'node', 'persistentvolumeclaim', 'instance'];

/** The first object `line` names when it names objects and none is the alert's; else null. */
function otherObject(line: string, ours: readonly string[]): string | null {
  const named = [...line.matchAll(OBJECT)];
  if (named.length === 0) return null;
  const mine = (name: string) => ours.some((o) => name.startsWith(o) || o.startsWith(name));
  return named.some((m) => mine(m[1]!.toLowerCase())) ? null : named[0]![0];
}

export function aboutTheAlert(observations: readonly Observation[], labels: Readonly<Record<string, string>>): Observation[] {
  const ours = OBJECT_LABELS.map((l) => (labels[l] ?? '').replace(/:\d+$/, '').toLowerCase()).filter((v) => v.length > 0);
  if (ours.length === 0) return [...observations];
  return observations.map((o) => ({
    ...o,
    findings: o.findings.map((f) => {
      // Only an output read whole can show that no line is about the alert's objects (`output` is capped with …).
      if (f.minor || f.other || o.output.endsWith('…')) return f;
      const other = otherObject(f.line, ours);
      if (other === null) return f;
      // Another line with the same signature that is about the alert's objects (or names none) keeps it a cause.
      const pattern = SIGNATURES.find((s) => s.id === f.signature)?.pattern;
      const lines = pattern ? o.output.split('\n').filter((l) => pattern.test(l)) : [];
      const own = lines.find((l) => otherObject(l, ours) === null);
      return own !== undefined ? { ...f, line: own.trim().slice(0, 200) } : { ...f, other };
    }),
  }));
}
