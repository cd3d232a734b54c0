// The Kubernetes toolset: kubectl's read verbs on one named object, with a fixed argv and no shell.
//
//   get       kubectl [G] --namespace=NS get KIND -o wide -- NAME
//   describe  kubectl [G] --namespace=NS describe KIND -- NAME
//   logs      kubectl [G] --namespace=NS logs --tail=N (--container=C | --all-containers=true --prefix=true) --timestamps=true [--previous] -- NAME|KIND/NAME
//   events    kubectl [G] --namespace=NS get events [--all-namespaces] --field-selector=involvedObject.kind=Kind,involvedObject.name=NAME --sort-by=.metadata.creationTimestamp
//   top       kubectl [G] --namespace=NS top pod --containers=true -- NAME   |   kubectl [G] top node -- NAME
//
// [G] is `--kubeconfig=PATH --context=NAME`, each only when the user's own settings give it (ToolOptions), never
// from a runbook or an alert. A node is cluster-scoped: no --namespace, and its events are looked for in every
// namespace (--all-namespaces, after the verb: placed before it, kubectl reads `get` as its value). Values are joined to their flag (`--namespace=NS`) and names come after `--`,
// which kubectl (cobra) takes as the end of options for every verb used here (checked against kubectl 1.32:
// `get`, `describe`, `logs` and `top` read the name after `--`). The events verb names its object inside the
// field selector, where `--` cannot help: the schema's shapes (RFC 1123) leave no `,` or `=` to add a clause.
import { spawnSync } from 'node:child_process';
import { z } from 'zod';
import type { Tool } from '../../../control/workflow/tool';
import { scrubbedEnv } from '../env';
import { TOOL } from '../names';
import { argvText, onPath, runArgv, type Argv, type ArgvOutput, type BuiltinRunOptions } from './run';
import { K8sContainer, K8sName, K8sNamespace } from './shapes';

export const K8S_VERBS = ['get', 'describe', 'logs', 'events', 'top'] as const;
export const K8S_KINDS = ['pod', 'deployment', 'statefulset', 'daemonset', 'job', 'node', 'persistentvolumeclaim'] as const;
export type K8sVerb = (typeof K8S_VERBS)[number];
export type K8sKind = (typeof K8S_KINDS)[number];

/** The kinds `kubectl logs` reads (a controller's logs are one of its pods'), and the kinds `kubectl top` measures. */
export const LOGS_KINDS: ReadonlySet<K8sKind> = new Set(['pod', 'deployment', 'statefulset', 'daemonset', 'job']);
export const TOP_KINDS: ReadonlySet<K8sKind> = new Set(['pod', 'node']);
/** involvedObject.kind in an event. */
const EVENT_KIND: Readonly<Record<K8sKind, string>> = {
  pod: 'Pod',
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
  job: 'Job',
  node: 'Node',
  persistentvolumeclaim: 'PersistentVolumeClaim',
};
const DEFAULT_TAIL = 200;

export const K8sInput = z
  .object({
    verb: z.enum(K8S_VERBS),
    kind: z.enum(K8S_KINDS),
    name: K8sName,
    /** Required for every kind but node. */
    namespace: K8sNamespace.optional(),
    /** logs only: one container (default: all of them, each line prefixed with its pod and container). */
    container: K8sContainer.optional(),
    /** logs only: the previous container's logs; 'if-restarted' (pods) reads the restart count first and adds them when it is above 0. */
    previous: z.union([z.boolean(), z.literal('if-restarted')]).optional(),
    /** logs only: lines from the end (default 200). */
    tail: z.number().int().min(1).max(5000).optional(),
  })
  .strict()
  .superRefine((i, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (i.kind === 'node' && i.namespace !== undefined) issue('namespace', 'a node is not in a namespace');
    if (i.kind !== 'node' && i.namespace === undefined) issue('namespace', `a ${i.kind} is in a namespace: namespace is required`);
    if (i.verb !== 'logs') for (const f of ['container', 'previous', 'tail'] as const) if (i[f] !== undefined) issue(f, `only the logs verb takes ${f}`);
    if (i.verb === 'logs' && !LOGS_KINDS.has(i.kind)) issue('kind', `logs reads pods and their controllers, not a ${i.kind}`);
    if (i.verb === 'top' && !TOP_KINDS.has(i.kind)) issue('kind', `top measures pods and nodes, not a ${i.kind}`);
    if (i.previous === 'if-restarted' && i.kind !== 'pod') issue('previous', "'if-restarted' reads a pod's restart count: kind must be pod");
  });
export type K8sInput = z.infer<typeof K8sInput>;

/** Where kubectl connects: only from the user's settings. */
export interface KubeConnection {
  readonly kubeconfig?: string;
  readonly context?: string;
}

export interface K8sOutput extends ArgvOutput {
  /** What the output means when the exit code alone does not say (metrics-server absent, no restart count). */
  readonly note?: string;
  /** logs with previous 'if-restarted': the restarts counted (of the container, or of every container). */
  readonly restarts?: number;
  /** logs with previous 'if-restarted', when the pod has restarted: the previous containers' logs. */
  readonly previous?: ArgvOutput;
}

function globalFlags(conn: KubeConnection): string[] {
  return [...(conn.kubeconfig ? [`--kubeconfig=${conn.kubeconfig}`] : []), ...(conn.context ? [`--context=${conn.context}`] : [])];
}

function scope(input: K8sInput): string[] {
  return input.namespace !== undefined ? [`--namespace=${input.namespace}`] : [];
}

/** The argv of one call (`previous: true` for the logs of the previous containers). */
export function k8sArgv(input: K8sInput, conn: KubeConnection, options: { previous?: boolean } = {}): Argv {
  const head = ['kubectl', ...globalFlags(conn), ...scope(input)] as const;
  const { kind, name } = input;
  switch (input.verb) {
    case 'get':
      return [...head, 'get', kind, '-o', 'wide', '--', name];
    case 'describe':
      return [...head, 'describe', kind, '--', name];
    case 'logs': {
      const containers = input.container !== undefined ? [`--container=${input.container}`] : ['--all-containers=true', '--prefix=true'];
      const previous = options.previous ?? input.previous === true;
      return [...head, 'logs', `--tail=${input.tail ?? DEFAULT_TAIL}`, ...containers, '--timestamps=true', ...(previous ? ['--previous'] : []), '--', kind === 'pod' ? name : `${kind}/${name}`];
    }
    case 'events':
      // --all-namespaces after the verb: before it, cobra cannot tell it takes no value and reads `get` as one.
      return [
        ...head,
        'get',
        'events',
        ...(kind === 'node' ? ['--all-namespaces'] : []),
        `--field-selector=involvedObject.kind=${EVENT_KIND[kind]},involvedObject.name=${name}`,
        '--sort-by=.metadata.creationTimestamp',
      ];
    case 'top':
      return kind === 'pod' ? [...head, 'top', 'pod', '--containers=true', '--', name] : [...head, 'top', 'node', '--', name];
  }
}

/** The pod as JSON, to count its restarts (logs with previous 'if-restarted'). */
export function k8sRestartsArgv(input: K8sInput, conn: KubeConnection): Argv {
  return ['kubectl', ...globalFlags(conn), ...scope(input), 'get', 'pod', '-o', 'json', '--', input.name];
}

/** Exactly what runs, for the approval card and the panel. */
export function describeK8s(input: K8sInput, conn: KubeConnection): string {
  if (input.verb === 'logs' && input.previous === 'if-restarted') {
    return `${argvText(k8sRestartsArgv(input, conn))} (the restart count), then ${argvText(k8sArgv(input, conn, { previous: false }))}, and ${argvText(k8sArgv(input, conn, { previous: true }))} when it has restarted`;
  }
  return argvText(k8sArgv(input, conn));
}

/** Restarts in a pod's JSON: of `container`, or of all its containers; null when the JSON says nothing. */
export function restartCount(podJson: string, container?: string): number | null {
  let pod: unknown;
  try {
    pod = JSON.parse(podJson);
  } catch {
    return null;
  }
  const statuses = (pod as { status?: { containerStatuses?: unknown } })?.status?.containerStatuses;
  if (!Array.isArray(statuses)) return null;
  let total = 0;
  let seen = false;
  for (const s of statuses as Array<{ name?: unknown; restartCount?: unknown }>) {
    if (container !== undefined && s.name !== container) continue;
    if (typeof s.restartCount === 'number') {
      total += s.restartCount;
      seen = true;
    }
  }
  return seen ? total : null;
}

const METRICS_ABSENT = /metrics api not available|metrics not available|could not find the requested resource \(get (pods|nodes)\.metrics\.k8s\.io\)/i;

export interface K8sToolOptions extends BuiltinRunOptions, KubeConnection {}

export function k8sTool(options: K8sToolOptions): Tool<K8sInput> {
  const conn: KubeConnection = { kubeconfig: options.kubeconfig, context: options.context };
  return {
    name: TOOL.k8s,
    risk: 'read',
    toolClass: 'shell',
    idempotent: true,
    input: K8sInput,
    describe: (input) => describeK8s(input, conn),
    run: async (input, signal) => ({ output: await runK8s(input, signal, options, conn) }),
  };
}

async function runK8s(input: K8sInput, signal: AbortSignal, options: BuiltinRunOptions, conn: KubeConnection): Promise<K8sOutput> {
  if (input.verb === 'logs' && input.previous === 'if-restarted') {
    const pod = await runArgv(k8sRestartsArgv(input, conn), signal, options);
    const restarts = pod.exitCode === 0 ? restartCount(pod.stdout, input.container) : null;
    const current = await runArgv(k8sArgv(input, conn, { previous: false }), signal, options);
    if (restarts === null) {
      const why = pod.exitCode === 0 ? 'the pod has no container statuses' : firstLine(pod.stderr) || `kubectl exited ${pod.exitCode ?? pod.signal}`;
      return { ...current, note: `no restart count (${why}), so no --previous logs` };
    }
    if (restarts === 0) return { ...current, restarts };
    const previous = await runArgv(k8sArgv(input, conn, { previous: true }), signal, options);
    return { ...current, restarts, previous };
  }
  const out = await runArgv(k8sArgv(input, conn), signal, options);
  if (input.verb === 'top' && out.exitCode !== 0 && METRICS_ABSENT.test(out.stderr)) return { ...out, note: 'metrics-server did not answer: kubectl top needs it' };
  return out;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 300) ?? '';
}

// ---- Is there a cluster to talk to? -------------------------------------------------------------------

export interface KubernetesStatus {
  readonly available: boolean;
  /** The context kubectl will use. */
  readonly context?: string;
  readonly problem?: string;
}

const PROBE_TIMEOUT_MS = 5000;
const probed = new Map<string, KubernetesStatus>();

/**
 * kubectl on PATH and a context it answers for: `kubectl config current-context`, or, with a context from the
 * settings, `kubectl config get-contexts -o name -- CONTEXT`. Asked once per PATH, kubeconfig and context
 * (5 s timeout); the answer is cached for the process.
 */
export function kubernetesStatus(conn: KubeConnection, passEnv: readonly string[] = []): KubernetesStatus {
  const env = scrubbedEnv(process.env, passEnv);
  const kubectl = onPath('kubectl', env.PATH);
  const key = JSON.stringify([kubectl, conn.kubeconfig ?? null, conn.context ?? null, env.HOME ?? null, env.KUBECONFIG ?? null]);
  const cached = probed.get(key);
  if (cached) return cached;
  const status = probeKubernetes(kubectl, conn, env);
  probed.set(key, status);
  return status;
}

/** Forget the cached answers (tests). */
export function resetKubernetesStatus(): void {
  probed.clear();
}

function probeKubernetes(kubectl: string | null, conn: KubeConnection, env: NodeJS.ProcessEnv): KubernetesStatus {
  if (kubectl === null) return { available: false, problem: 'kubectl is not on PATH' };
  const args = [...globalFlags(conn), 'config', ...(conn.context ? ['get-contexts', '-o', 'name', '--', conn.context] : ['current-context'])];
  const run = spawnSync(kubectl, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.error) return { available: false, problem: `kubectl did not answer: ${run.error.message}` };
  const context = (run.stdout ?? '').trim().split('\n')[0]?.trim() ?? '';
  if (run.status !== 0 || context === '') {
    const said = (run.stderr ?? '').trim().split('\n').at(-1) || `exit ${run.status ?? run.signal}`;
    return { available: false, problem: `kubectl has no ${conn.context ? `context ${conn.context}` : 'current context'}: ${said}` };
  }
  return { available: true, context };
}
