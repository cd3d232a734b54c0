/** The tool catalogue's names: plans, prompts, policy rules and the panel refer to tools by these. */
export const TOOL = {
  shell: 'shell',
  http: 'http_request',
  readFile: 'read_file',
  promql: 'promql_query',
  ask: 'ask_person',
  /** A runbook instruction a person does and ticks (done / skipped, with a note). */
  checklist: 'checklist',
  /** Built-in diagnostics (engine/execution/tools/builtin): read-only by construction, fixed argv, no shell. */
  k8s: 'k8s',
  host: 'host',
  prometheusAlert: 'prometheus_alert',
  /** Alertmanager write-back (engine/execution/tools/alertmanager.ts): a silence for the alert while its mitigation works. */
  alertmanagerSilence: 'alertmanager_silence',
} as const;
export type ToolName = (typeof TOOL)[keyof typeof TOOL];

/** The built-in diagnostics: a plan step with one of these came from the engine, not from a runbook. */
export const BUILTIN_TOOLS: ReadonlySet<string> = new Set([TOOL.k8s, TOOL.host, TOOL.prometheusAlert]);
