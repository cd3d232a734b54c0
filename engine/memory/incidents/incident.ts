// Incident memory (the design's "recent incident summaries"): what a settled workflow found, did and how it ended,
// kept small so triage can say "last time" for the same alert, and indexed as its own kind of source. Pure: built
// from the composed summary (engine/planning/observe/summary.ts), matched against a new alert by its labels.
import { z } from 'zod';
import { redactValue } from '../../execution/redact';
import { printableValue } from '../../execution/redact/printable';
import type { IncidentSummary } from '../../planning/observe/summary';
import type { AlertRequest } from '../../control/workflow/request';

/** Labels that name what an alert is about; volatile ones (pod hashes, values, timestamps) are left out. */
export const IDENTITY_LABELS = ['alertname', 'namespace', 'service', 'job', 'deployment', 'statefulset', 'daemonset', 'container', 'node', 'instance', 'persistentvolumeclaim', 'cluster', 'device', 'mountpoint'] as const;

export const IncidentMemory = z
  .object({
    workflowId: z.string(),
    title: z.string(),
    alertname: z.string(),
    /** Identity labels only (IDENTITY_LABELS). */
    labels: z.record(z.string(), z.string()),
    state: z.string(),
    firedAt: z.number(),
    settledAt: z.number(),
    /** The runbook the plan used (workspace-relative path), when there was one. */
    runbook: z.string().nullable(),
    /** Diagnostics that ran, with what each showed (one line) and the tool-call id that showed it. */
    checked: z.array(z.object({ what: z.string(), finding: z.string(), citation: z.string() })).max(10),
    /** What was done, by whom, and how it went. */
    done: z.array(z.object({ what: z.string(), outcome: z.string(), by: z.string().nullable() })).max(10),
    verification: z.string(),
    causes: z.array(z.string()).max(5),
  })
  .strict();
export type IncidentMemory = z.infer<typeof IncidentMemory>;

const SETTLED = new Set(['COMPLETED', 'ESCALATED', 'CANCELLED']);

/** The global event a forget appends (which memory and workflow, by whom; never the content). */
export const FORGOTTEN_EVENT = 'memory_forgotten';
/** A stored memory is at most this many characters of JSON (memoryOf already clips each field). */
export const MAX_MEMORY_CHARS = 8_000;

/** `mem-` + the workflow id: what `memory forget` takes (the bare workflow id works too). */
export const memoryIdOf = (workflowId: string) => `mem-${workflowId}`;

/** A memory as a control store keeps it (engine/control/store: incident_memories, one row per workflow). */
export interface StoredMemory {
  readonly id: string;
  readonly workspace: string;
  readonly rememberedAt: number;
  readonly memory: IncidentMemory;
}

/** What a forget did: the memory, its workflow, and the log's sequence number of the `memory_forgotten` event. */
export interface Forgotten {
  readonly id: string;
  readonly workflowId: string;
  readonly seq: number;
}

export class UnknownMemory extends Error {
  constructor(id: string) {
    super(`no incident memory ${id} (runbook-agent memory list shows them)`);
    this.name = 'UnknownMemory';
  }
}

/**
 * The memory as it may be stored: redacted, printable, and at most MAX_MEMORY_CHARS of JSON (findings, the long
 * part, dropped from the end until it fits). Every store applies it on save, so no writer can skip it.
 */
export function storableMemory(memory: IncidentMemory): IncidentMemory {
  let m = IncidentMemory.parse(printableValue(redactValue(memory)));
  while (JSON.stringify(m).length > MAX_MEMORY_CHARS && (m.checked.length > 0 || m.done.length > 0)) {
    m = m.checked.length > 0 ? { ...m, checked: m.checked.slice(0, -1) } : { ...m, done: m.done.slice(0, -1) };
  }
  return m;
}

export function identityOf(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of IDENTITY_LABELS) if (labels[k] !== undefined) out[k] = labels[k];
  return out;
}

/** The memory of a settled workflow, or null while it is not settled (nothing to remember yet). */
export function memoryOf(workflowId: string, summary: IncidentSummary, runbook: string | null, settledAt: number): IncidentMemory | null {
  if (!SETTLED.has(summary.state)) return null;
  const labels = identityOf(summary.fired.labels);
  return {
    workflowId,
    title: summary.fired.title,
    alertname: summary.fired.labels.alertname ?? summary.fired.title,
    labels,
    state: summary.state,
    firedAt: summary.fired.at,
    settledAt,
    runbook,
    checked: summary.checked.slice(0, 10).map((c) => ({ what: clip(oneLine(c.what), 200), finding: clip(oneLine(c.finding), 300), citation: c.citation })),
    done: summary.done.slice(0, 10).map((d) => ({ what: clip(oneLine(d.what), 200), outcome: d.outcome, by: d.by })),
    verification: summary.verification.status,
    causes: summary.causes.filter((c) => c.for.length > c.against.length).slice(0, 5).map((c) => clip(c.cause, 200)),
  };
}

export interface Recalled {
  readonly memory: IncidentMemory;
  /** Identity labels the two alerts share (alertname first). */
  readonly shared: string[];
}

/**
 * Earlier incidents of the same alert, most alike first (more shared identity labels), then most recent. Another
 * alert on the same object is recalled too when it shares at least two identity labels (e.g. namespace and pod's
 * deployment), since what ran there is likely to help.
 */
export function recall(memories: readonly IncidentMemory[], request: Pick<AlertRequest, 'labels' | 'title'>, options: { limit?: number; exclude?: string } = {}): Recalled[] {
  const want = identityOf(request.labels);
  const alertname = request.labels.alertname ?? request.title;
  const scored = memories
    .filter((m) => m.workflowId !== options.exclude)
    .map((m) => {
      const shared = Object.keys(want).filter((k) => k !== 'alertname' && m.labels[k] === want[k]);
      const same = m.alertname === alertname;
      return { memory: m, shared: same ? ['alertname', ...shared] : shared, same };
    })
    .filter((r) => r.same || r.shared.length >= 2);
  scored.sort((a, b) => Number(b.same) - Number(a.same) || b.shared.length - a.shared.length || b.memory.settledAt - a.memory.settledAt);
  return scored.slice(0, options.limit ?? 3).map(({ memory, shared }) => ({ memory, shared }));
}

const minutes = (ms: number) => (ms < 90_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : ms < 90 * 60_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** One paragraph a person (and a planner) reads: when, how it ended and how long it took, what ran, what fixed it. */
export function lastTime(r: Recalled, now: number): string {
  const m = r.memory;
  const when = `${minutes(now - m.settledAt)} ago`;
  const ended = m.state === 'COMPLETED' ? `completed (verification ${m.verification})` : m.state.toLowerCase();
  const fixed = m.done.filter((d) => d.outcome === 'done').map((d) => `${d.what}${d.by && d.by !== 'the engine' ? ` (by ${d.by})` : ''}`);
  const declined = m.done.filter((d) => d.outcome === 'declined').map((d) => d.what);
  const parts = [
    `${m.title}${r.shared.length > 1 ? ` (${r.shared.filter((k) => k !== 'alertname').map((k) => `${k}=${m.labels[k]}`).join(', ')})` : ''}, ${when}: ${ended} in ${minutes(m.settledAt - m.firedAt)}.`,
    m.checked.length > 0 ? `Checked: ${m.checked.slice(0, 3).map((c) => `${c.what} → ${c.finding}`).join('; ')}.` : '',
    m.causes.length > 0 ? `Likely cause: ${m.causes[0]}.` : '',
    fixed.length > 0 ? `What fixed it: ${fixed.join('; ')}.` : declined.length > 0 ? `Declined: ${declined.join('; ')}.` : 'Nothing was changed.',
  ];
  return parts.filter(Boolean).join(' ');
}

/** The memory as a Markdown document, indexed for search beside the runbooks (its own kind of source). */
export function memoryMarkdown(m: IncidentMemory): string {
  const labels = Object.entries(m.labels).map(([k, v]) => `${k}=${v}`).join(', ');
  return [
    `# Incident: ${m.title}`,
    '',
    `Alert ${m.alertname} (${labels}); ${m.state.toLowerCase()} ${new Date(m.settledAt).toISOString()}${m.runbook ? `, runbook ${m.runbook}` : ''}.`,
    '',
    '## Checked',
    ...m.checked.map((c) => `- ${c.what}: ${c.finding}`),
    '',
    '## Likely causes',
    ...(m.causes.length ? m.causes.map((c) => `- ${c}`) : ['- none shown']),
    '',
    '## Done',
    ...(m.done.length ? m.done.map((d) => `- ${d.outcome}: ${d.what}${d.by ? ` by ${d.by}` : ''}`) : ['- nothing']),
    '',
    `Verification: ${m.verification}.`,
    '',
  ].join('\n');
}

/** A multi-line command or output as one line, as the report's lists show it. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ⏎ ');

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
