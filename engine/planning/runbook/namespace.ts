// A kubectl or oc command that names a namespaced object but no namespace (`oc describe pod <pod>`) looks in the
// current context's namespace, where the alert's object is not: "pods … not found", a diagnostic wasted. The
// alert's namespace label says where the object lives, so such a command gets `-n <namespace>` after its words
// (before a `--`), and the step's rationale says so. Only a plain namespace name goes in, as one word.
import { kubeVerbAt } from '../../execution/risk/commands/kube';
import { parseShell, walk, wordOf } from '../../execution/risk/parse';
import type { AlertRequest } from '../../control/workflow/request';

const KUBE = new Set(['kubectl', 'oc']);
/**
 * Kinds that live in a namespace (kubectl's names, plural and short forms). Not events: those of a node or any
 * other cluster-scoped object are in `default`, whatever namespace the alert names.
 */
const NAMESPACED = new Set(
  `pod pods po deployment deployments deploy statefulset statefulsets sts daemonset daemonsets ds replicaset replicasets rs
  job jobs cronjob cronjobs cj service services svc persistentvolumeclaim persistentvolumeclaims pvc configmap configmaps cm
  secret secrets endpoints ep ingress ingresses ing route routes serviceaccount serviceaccounts sa
  poddisruptionbudget poddisruptionbudgets pdb horizontalpodautoscaler horizontalpodautoscalers hpa networkpolicy networkpolicies netpol
  role roles rolebinding rolebindings deploymentconfig deploymentconfigs dc`.split(/\s+/),
);
/** Verbs whose first argument is a kind (or kind/name). */
const BY_KIND = new Set(['get', 'describe', 'delete', 'edit', 'patch', 'label', 'annotate', 'scale', 'set', 'rollout']);
/** Verbs that only ever address pods (or a kind/name in a namespace). */
const POD_VERBS = new Set(['logs', 'log', 'exec', 'rsh', 'port-forward', 'attach', 'cp']);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const hasNamespace = (args: readonly string[]) => args.some((a) => /^(-n|--namespace|-A|--all-namespaces)(=|$)/.test(a) || /^-n\S/.test(a));

/** The kind a `BY_KIND` verb addresses: `pod`, `pod/web-1`, `pods,svc`; rollout's comes after its sub-verb. */
function namespacedTarget(verb: string, rest: readonly string[]): boolean {
  const words = rest.filter((a) => !a.startsWith('-'));
  const target = verb === 'rollout' || verb === 'set' ? words[1] : words[0];
  if (target === undefined) return false;
  const kinds = target.split('/')[0]!.toLowerCase().split(',');
  return kinds.every((k) => NAMESPACED.has(k.split('.')[0]!));
}

function needsNamespace(argv: readonly string[]): boolean {
  if (!KUBE.has(argv[0]!.split('/').at(-1)!) || hasNamespace(argv)) return false;
  const at = kubeVerbAt(argv.slice(1));
  if (at < 0) return false;
  const verb = argv[at + 1]!;
  const rest = argv.slice(at + 2);
  if (POD_VERBS.has(verb)) return true;
  if (verb === 'top') return rest.find((a) => !a.startsWith('-'))?.startsWith('po') ?? false;
  return BY_KIND.has(verb) && namespacedTarget(verb, rest);
}

/** `command` with `-n <namespace>` in each kubectl/oc command that needs one; unchanged when the alert has none. */
export function withAlertNamespace(command: string, request: AlertRequest): { text: string; namespace: string | null } {
  const namespace = request.labels.namespace || request.labels.exported_namespace;
  if (!namespace || !DNS_LABEL.test(namespace)) return { text: command, namespace: null };
  const parsed = parseShell(command);
  if (!parsed.ok) return { text: command, namespace: null };
  const at: number[] = [];
  walk(parsed.file, (node, type) => {
    if (type !== 'CallExpr' || node.Args.length === 0) return;
    const words = node.Args.map(wordOf);
    // A word only known at run time (`$FLAGS`) may hold a namespace already: left as written.
    if (words.some((w: { dynamic: boolean }) => w.dynamic)) return;
    const argv: string[] = words.map((w: { text: string }) => w.text);
    if (!needsNamespace(argv)) return;
    // After the command's own words, as people type it; before `--`, after which the words are another program's.
    const end = argv.indexOf('--');
    at.push(node.Args[(end < 0 ? argv.length : end) - 1].End().Offset());
  });
  if (at.length === 0) return { text: command, namespace: null };
  // The parser counts UTF-8 bytes; the text is edited from the end so earlier offsets stay right.
  const bytes = Buffer.from(command, 'utf8');
  let out = bytes;
  for (const offset of at.sort((a, b) => b - a)) out = Buffer.concat([out.subarray(0, offset), Buffer.from(` -n ${namespace}`), out.subarray(offset)]);
  return { text: out.toString('utf8'), namespace };
}
