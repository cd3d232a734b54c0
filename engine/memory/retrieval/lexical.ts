import type { Db } from '../../control/db/open';
import { withIdentifierParts } from './lexicalText';
import { FTS_COLUMNS } from './schema';

export interface RankedId {
  readonly id: number;
  readonly score: number;
}

/**
 * bm25 weights of the chunks_fts columns, in FTS_COLUMNS order: name, title, alerts, heading, text, folders.
 * FTS5 multiplies each column's term frequency by its weight (BM25F-like, with one length normalisation per
 * row), so a word in the file name, title or the runbook's declared alerts counts as several in the prose.
 * Chosen on the tuning half of the public alerts (bench/quality.ts --tune), never on the held-out half.
 */
export const FIELD_WEIGHTS: Readonly<Record<(typeof FTS_COLUMNS)[number], number>> = {
  name: 10,
  title: 6,
  // The public runbooks declare no alerts in their front matter, so this one could not be tuned: it counts as
  // the file name does (the planner treats both as naming the runbook's alert).
  alerts: 10,
  heading: 1,
  text: 1,
  folders: 0,
};

/** The columns in which a runbook names the alert it answers: its file name, its title, its front-matter alerts. */
const NAMING_COLUMNS = ['name', 'title', 'alerts'] as const satisfies ReadonlyArray<(typeof FTS_COLUMNS)[number]>;

/** A part of a query and how much its matches count (an alert's name counts more than its description). */
export interface QueryGroup {
  readonly text: string;
  readonly weight: number;
  /**
   * Matches the text's words only as written (no CamelCase parts) and only in NAMING_COLUMNS: the alert's whole
   * name, one rare token, where a runbook says which alert it is for. Without it the name weighs no more than
   * its parts, which it shares with its neighbours (NodeFilesystemSpaceFillingUp and ...FilesFillingUp).
   */
  readonly naming?: boolean;
}

/**
 * Turns free text (an alert's name, summary and description) into an FTS5 query: every word becomes a quoted
 * term (CamelCase identifiers also their parts) and the terms are OR-ed, so bm25 ranks by how many rare terms a
 * chunk shares with the query. Quoting keeps FTS5 operators and punctuation in the text from being parsed as
 * query syntax.
 */
export function ftsQuery(text: string, naming = false): string | null {
  const terms = new Set<string>();
  for (const m of (naming ? text : withIdentifierParts(text)).toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
    if (m[0].length > 1 || /\d/.test(m[0])) terms.add(m[0]);
  }
  if (terms.size === 0) return null;
  const or = [...terms].map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
  return naming ? `{${NAMING_COLUMNS.join(' ')}} : (${or})` : or;
}

const sqlFor = (weights: typeof FIELD_WEIGHTS) =>
  `SELECT rowid AS id, bm25(chunks_fts, ${FTS_COLUMNS.map((c) => Number(weights[c])).join(', ')}) AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?`;
const SQL = sqlFor(FIELD_WEIGHTS);

/**
 * Best `limit` chunks by field-weighted bm25 (higher score is better; FTS5's bm25 is negated here). A query of
 * several groups runs one match per group and adds the scores, each times its group's weight.
 */
export function lexicalSearch(db: Db, query: string | readonly QueryGroup[], limit: number, weights: typeof FIELD_WEIGHTS = FIELD_WEIGHTS): RankedId[] {
  const groups = typeof query === 'string' ? [{ text: query, weight: 1 }] : query;
  const statement = db.prepare(weights === FIELD_WEIGHTS ? SQL : sqlFor(weights));
  const scores = new Map<number, number>();
  for (const g of groups) {
    const match = ftsQuery(g.text, g.naming);
    if (!match || g.weight <= 0) continue;
    for (const r of statement.all(match, limit) as Array<{ id: number; rank: number }>) scores.set(r.id, (scores.get(r.id) ?? 0) - g.weight * r.rank);
  }
  return [...scores]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, limit);
}
