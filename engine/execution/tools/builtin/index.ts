// Built-in diagnostics (toolsets): read-only by construction. Each is a tool with a strict input schema and a
// fixed argv (no shell) or a fixed API call, registered only where it can work. See README.md.
import os from 'node:os';
import type { AnyTool } from '../../../control/workflow/tool';
import { TOOL } from '../names';
import { HOST_SYSTEMD } from './fit';
import { hostTool } from './host';
import { k8sTool, kubernetesStatus, type KubernetesStatus } from './k8s';
import { prometheusAlertTool } from './prometheus';
import type { BuiltinRunOptions } from './run';

export { aboutThisMachine, alertExpression, builtinDiagnostics, HOST_SYSTEMD, type BuiltinDiagnostic, type FitOptions, type Toolset } from './fit';
export { hostArgv, HostInput, hostTool, systemdRunning, type HostOutput } from './host';
export { describeK8s, K8sInput, k8sArgv, k8sTool, kubernetesStatus, resetKubernetesStatus, type K8sOutput, type KubernetesStatus } from './k8s';
export { PrometheusAlertInput, prometheusAlertTool, type PrometheusAlertOutput, type QueryView, type SeriesView } from './prometheus';
export { promqlSelectors, tokenize, type Matcher, type Selector } from './selectors';

export interface BuiltinOptions extends BuiltinRunOptions {
  readonly prometheusUrl?: string;
  /** From the user's settings only: never a runbook's or an alert's. */
  readonly kubeconfig?: string;
  readonly kubeContext?: string;
}

export interface BuiltinProbes {
  readonly platform?: NodeJS.Platform;
  readonly kubernetes?: () => KubernetesStatus;
  readonly systemd?: boolean;
}

/**
 * The built-ins that can work here: prometheus_alert when a Prometheus URL is set, host on Linux (with systemd
 * operations only where systemd runs), k8s when kubectl is on PATH and answers for a context.
 */
export function builtinTools(options: BuiltinOptions, probes: BuiltinProbes = {}): AnyTool[] {
  const tools: AnyTool[] = [];
  if (options.prometheusUrl !== undefined) tools.push(prometheusAlertTool({ prometheusUrl: options.prometheusUrl }));
  const conn = { ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}), ...(options.kubeContext !== undefined ? { context: options.kubeContext } : {}) };
  const kube = probes.kubernetes ? probes.kubernetes() : kubernetesStatus(conn, options.passEnv);
  if (kube.available) tools.push(k8sTool({ ...options, ...conn }));
  if ((probes.platform ?? process.platform) === 'linux') tools.push(hostTool({ ...options, ...(probes.systemd !== undefined ? { systemd: probes.systemd } : {}) }));
  return tools;
}

/** What builtinDiagnostics() takes as `available`: the tools' names, plus HOST_SYSTEMD when the host tool reads systemd. */
export function builtinAvailability(tools: readonly { readonly name: string }[]): Set<string> {
  const names = new Set(tools.map((t) => t.name));
  const host = tools.find((t) => t.name === TOOL.host) as { systemd?: boolean } | undefined;
  if (host?.systemd === true) names.add(HOST_SYSTEMD);
  return names;
}

/** This machine's names and addresses, for FitOptions.localHost. */
export function localHostNames(): string[] {
  const names = new Set<string>();
  const host = os.hostname().toLowerCase();
  if (host) {
    names.add(host);
    names.add(host.split('.')[0]!);
  }
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase());
  return [...names];
}
