import type { Db } from '../db/open';

export interface RankedId {
  readonly id: number;
  readonly score: number;
}

/**
 * Turns free text (an alert's name, summary and description) into an FTS5 query: every word becomes a quoted
 * term and the terms are OR-ed, so bm25 ranks by how many rare terms a chunk shares with the query. Quoting
 * keeps FTS5 operators and punctuation in the text from being parsed as query syntax.
 */
export function ftsQuery(text: string): string | null {
  const terms = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
    if (m[0].length > 1 || /\d/.test(m[0])) terms.add(m[0]);
  }
  if (terms.size === 0) return null;
  return [...terms].map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
}

/** Best `limit` chunks by bm25 (higher score is better; FTS5's bm25 is negated here). */
export function lexicalSearch(db: Db, text: string, limit: number): RankedId[] {
  const query = ftsQuery(text);
  if (!query) return [];
  const rows = db
    .prepare('SELECT rowid AS id, bm25(chunks_fts) AS rank FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?')
    .all(query, limit) as Array<{ id: number; rank: number }>;
  return rows.map((r) => ({ id: r.id, score: -r.rank }));
}
