// Fills a step's placeholders from the alert. Alert values are data: in shell, each goes only where the parsed
// command shows a plain argument word and only when it is a plain word itself, or a number in arithmetic
// (engine/execution/risk/slots.ts). A value that does not fit its place still goes in, quoted, but the step waits for a
// person who sees it; one that cannot go in at all (arithmetic, heredocs, backticks), or that the alert lacks,
// becomes a question, and the orchestrator checks the person's answer by the same rules.
import type { Placeholder } from '../../memory/runbook';
import { placeValue, slotSites } from '../../execution/risk/slots';
import { answerMarker } from '../../control/workflow/answers';
import type { AlertRequest } from '../../control/workflow/request';
import { promqlQuote } from '../../execution/tools/quote';
import { findOccurrences, type Occurrence } from './spans';
import { answerName, valueFor } from './values';

/** A value the step needs from a person. */
export interface Ask {
  /** The placeholder as written. */
  readonly raw: string;
  /** A number is needed (the value lands in arithmetic). */
  readonly expects?: 'number';
  /** Why the alert's own value could not be used, when it had one. */
  readonly reason?: string;
}

export interface Filled {
  readonly text: string;
  /** Answers the text now needs, by name. */
  readonly asks: ReadonlyMap<string, Ask>;
  /** Placeholders filled from the alert, by answer name. */
  readonly filled: readonly string[];
  /** Why a person must see the step before it runs (a value that is not a plain word, or lands in program text). */
  readonly review: readonly string[];
}

/** `own`: the runbook's names for alert labels (front matter `placeholders:`), see values.ts. */
export function fillPlaceholders(text: string, placeholders: readonly Placeholder[], request: AlertRequest, kind: 'shell' | 'promql', own: Readonly<Record<string, string>> = {}): Filled {
  return kind === 'shell' ? fillShell(text, placeholders, request, own) : fillPromql(text, placeholders, request, own);
}

function fillShell(text: string, placeholders: readonly Placeholder[], request: AlertRequest, own: Readonly<Record<string, string>>): Filled {
  const occurrences = findOccurrences(text, placeholders, true);
  const sites = slotSites(text, occurrences.map((o) => [o.start, o.end] as const));
  const asks = new Map<string, Ask>();
  const filled = new Set<string>();
  const review: string[] = [];
  let out = '';
  let last = 0;
  occurrences.forEach((o, i) => {
    const name = answerName(o.placeholder);
    const site = sites?.[i] ?? null;
    const value = objectName(text.slice(0, o.start), request) ?? valueFor(o.placeholder, request, own);
    const placed = value === undefined ? null : placeValue(value, site, name, "the alert's");
    let insert: string;
    if (placed === null || placed.kind === 'ask') {
      const ask: Ask = { raw: o.placeholder.raw, ...(site?.context === 'number' ? { expects: 'number' as const } : {}), ...(placed ? { reason: placed.reason } : {}) };
      if (!asks.has(name) || ask.expects) asks.set(name, { ...asks.get(name), ...ask });
      insert = answerMarker(name);
    } else {
      if (placed.kind === 'review') review.push(placed.reason);
      filled.add(name);
      insert = placed.text;
    }
    out += text.slice(last, o.start) + insert;
    last = o.end;
  });
  out += text.slice(last);
  return { text: out, asks, filled: [...filled], review };
}

/** kubectl's kinds (and short names) -> the label that names such an object on an alert. */
const KIND_LABEL: Readonly<Record<string, string>> = {
  deployment: 'deployment', deployments: 'deployment', deploy: 'deployment',
  statefulset: 'statefulset', statefulsets: 'statefulset', sts: 'statefulset',
  daemonset: 'daemonset', daemonsets: 'daemonset', ds: 'daemonset',
  pod: 'pod', pods: 'pod', po: 'pod',
  job: 'job_name', jobs: 'job_name',
  node: 'node', nodes: 'node', no: 'node',
  pvc: 'persistentvolumeclaim', persistentvolumeclaim: 'persistentvolumeclaim',
  service: 'service', svc: 'service',
};

/**
 * A placeholder right after a kind (`describe deployment $NAME`, `describe jobs $JOB`, `deployment/$NAME`) names
 * an object of that kind: the alert's label for the kind fills it, when it has one, before the placeholder's own
 * name does. In Prometheus `job` is the scrape job (kube-state-metrics), not the Kubernetes Job, whose name is in
 * `job_name`.
 */
function objectName(before: string, request: AlertRequest): string | undefined {
  const kind = /([A-Za-z]+)(?:\s+|\/)$/.exec(before)?.[1]?.toLowerCase();
  const label = kind === undefined ? undefined : KIND_LABEL[kind];
  const value = label === undefined ? undefined : request.labels[label];
  return value === '' ? undefined : value;
}

const AFTER_MATCHER = /(=~|!~|!=|=)\s*$/;
const PROMQL_WORD = /^[A-Za-z0-9_:.]+$/;

/** PromQL only reads (the query API cannot write): a value is escaped inside a string, else a plain token or a question. */
function fillPromql(text: string, placeholders: readonly Placeholder[], request: AlertRequest, own: Readonly<Record<string, string>>): Filled {
  const occurrences = findOccurrences(text, placeholders, false);
  const asks = new Map<string, Ask>();
  const filled = new Set<string>();
  let out = '';
  let last = 0;
  for (const o of occurrences) {
    const name = answerName(o.placeholder);
    const value = valueFor(o.placeholder, request, own);
    const before = text.slice(0, o.start);
    let insert = value === undefined ? null : promqlValue(value, o, before);
    if (insert === null) {
      if (!asks.has(name)) asks.set(name, { raw: o.placeholder.raw });
      insert = o.context === 'plain' && AFTER_MATCHER.test(before) ? `"${answerMarker(name)}"` : answerMarker(name);
    } else filled.add(name);
    out += text.slice(last, o.start) + insert;
    last = o.end;
  }
  out += text.slice(last);
  return { text: out, asks, filled: [...filled], review: [] };
}

function promqlValue(value: string, o: Occurrence, before: string): string | null {
  switch (o.context) {
    case 'double':
      return promqlQuote(value);
    case 'single':
      return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n');
    case 'raw':
      return value.includes('`') ? null : value;
    case 'plain':
      if (AFTER_MATCHER.test(before)) return `"${promqlQuote(value)}"`;
      // Elsewhere (a metric name, a duration, a number) only a plain token keeps the query's shape.
      return PROMQL_WORD.test(value) ? value : null;
  }
}
