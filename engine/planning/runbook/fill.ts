// Fills a step's placeholders from the alert. Alert values are untrusted: each is inserted so that it stays one
// shell argument (shellQuote, with the surrounding quotes closed and reopened) or one PromQL string
// (promqlQuote). A value that cannot be placed safely, or that the alert lacks, becomes a question: the text
// gets an answer marker there, and the orchestrator quotes the person's answer the same way.
import type { Placeholder } from '../../runbook';
import { answerMarker } from '../../workflow/answers';
import type { AlertRequest } from '../../workflow/request';
import { promqlQuote, shellQuote } from '../../tools/quote';
import { findOccurrences, type Occurrence } from './spans';
import { answerName, valueFor } from './values';

export interface Filled {
  readonly text: string;
  /** Answers the text now needs, by name, with the placeholder as written (for the question). */
  readonly asks: ReadonlyMap<string, string>;
  /** Placeholders filled from the alert, by answer name. */
  readonly filled: readonly string[];
}

export function fillPlaceholders(text: string, placeholders: readonly Placeholder[], request: AlertRequest, kind: 'shell' | 'promql'): Filled {
  const shell = kind === 'shell';
  const occurrences = findOccurrences(text, placeholders, shell);
  const asks = new Map<string, string>();
  const filled = new Set<string>();
  let out = '';
  let last = 0;
  for (const o of occurrences) {
    const name = answerName(o.placeholder);
    const value = valueFor(o.placeholder, request);
    const before = text.slice(0, o.start);
    let insert = value === undefined ? null : shell ? shellValue(value, o) : promqlValue(value, o, before);
    if (insert === null) {
      if (!asks.has(name)) asks.set(name, o.placeholder.raw);
      insert = shell ? shellMarker(answerMarker(name), o) : promqlMarker(answerMarker(name), o, before);
    } else filled.add(name);
    out += text.slice(last, o.start) + insert;
    last = o.end;
  }
  out += text.slice(last);
  return { text: out, asks, filled: [...filled] };
}

function shellValue(value: string, o: Occurrence): string | null {
  const q = shellQuote(value);
  switch (o.context) {
    case 'plain':
      return q;
    case 'double':
      return `"${q}"`;
    case 'single':
      return `'${q}'`;
    case 'raw':
      // Heredoc bodies and backticks have their own quoting rules: only a word with nothing to quote is safe.
      return q === value ? value : null;
  }
}

function shellMarker(marker: string, o: Occurrence): string {
  if (o.context === 'double') return `"${marker}"`;
  if (o.context === 'single') return `'${marker}'`;
  return marker;
}

const AFTER_MATCHER = /(=~|!~|!=|=)\s*$/;
const PROMQL_WORD = /^[A-Za-z0-9_:.]+$/;

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

function promqlMarker(marker: string, o: Occurrence, before: string): string {
  return o.context === 'plain' && AFTER_MATCHER.test(before) ? `"${marker}"` : marker;
}
