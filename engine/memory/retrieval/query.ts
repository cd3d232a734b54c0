import type { QueryGroup } from './lexical';
import { identifierParts } from './lexicalText';

/** What retrieval knows of an alert: its name, summary, description and labels (all optional). */
export interface AlertQuery {
  readonly name?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A query as the rankers take it: the text the embedding model reads, and the weighted lexical groups. */
export interface SearchQuery {
  readonly dense: string;
  readonly lexical: readonly QueryGroup[];
}

/**
 * How much each part of an alert counts in the lexical ranking: its name is the strongest evidence (runbooks are
 * named and titled after alerts, so the whole name counts once more where a runbook names its alert), the summary
 * next, then the description and the label values. Chosen on the tuning half of the public alerts
 * (bench/quality.ts --tune), never on the held-out half.
 */
export const ALERT_QUERY_WEIGHTS = { name: 4, wholeName: 8, summary: 1, description: 0.5, labels: 1 } as const;
export type AlertQueryWeights = { readonly [K in keyof typeof ALERT_QUERY_WEIGHTS]: number };

/** Labels whose values say nothing about which runbook applies (or repeat another part of the query). */
const IGNORED_LABELS = new Set(['alertname', 'instance', 'pod', 'pod_name', 'container_id', 'id', 'uid', 'fingerprint', 'endpoint', 'prometheus', 'prometheus_replica', 'receiver', 'runbook_url', 'runbook']);

/** Go template markup of unexpanded rule annotations (`{{ $labels.namespace }}`, `{{ $value }}`). */
const stripTemplates = (s = '') => s.replace(/\{\{[\s\S]*?\}\}/g, ' ').replace(/\s+/g, ' ').trim();

export function searchQuery(query: string | AlertQuery, weights: AlertQueryWeights = ALERT_QUERY_WEIGHTS): SearchQuery {
  if (typeof query === 'string') return { dense: query, lexical: [{ text: query, weight: 1 }] };
  const name = (query.name ?? '').trim();
  const summary = stripTemplates(query.summary);
  const description = stripTemplates(query.description);
  const labels = Object.entries(query.labels ?? {})
    .filter(([k, v]) => !IGNORED_LABELS.has(k) && v.length <= 200)
    .map(([, v]) => v)
    .join(' ');
  // The model reads words: an alert name is also given as the words it is made of.
  const nameWords = identifierParts(name).join(' ');
  const dense = [name, nameWords, summary, description].filter(Boolean).join('\n');
  const lexical: QueryGroup[] = [
    { text: name, weight: weights.name },
    // Once more as one token where runbooks name their alert (lexical.ts, QueryGroup.naming).
    { text: name, weight: weights.wholeName, naming: true },
    { text: summary, weight: weights.summary },
    { text: description, weight: weights.description },
    { text: labels, weight: weights.labels },
  ].filter((g) => g.text !== '' && g.weight > 0);
  return { dense: dense || labels, lexical };
}
