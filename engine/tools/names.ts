/** The tool catalogue's names: plans, prompts, policy rules and the panel refer to tools by these. */
export const TOOL = {
  shell: 'shell',
  http: 'http_request',
  readFile: 'read_file',
  promql: 'promql_query',
  ask: 'ask_person',
  /** A runbook instruction a person does and ticks (done / skipped, with a note). */
  checklist: 'checklist',
} as const;
export type ToolName = (typeof TOOL)[keyof typeof TOOL];
