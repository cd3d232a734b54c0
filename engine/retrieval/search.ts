import path from 'node:path';
import type { TextEmbedder } from '../embed/types';
import type { DenseIndex } from './dense';
import { isStale } from './freshness';
import { reciprocalRankFusion } from './fusion';
import { lexicalSearch, type RankedId } from './lexical';
import type { RetrievalStore } from './store';

export type SearchMode = 'hybrid' | 'lexical' | 'dense';

export interface SearchOptions {
  readonly k?: number;
  readonly mode?: SearchMode;
  /** One hit per document (its best chunk), for "which runbook" rather than "which section". */
  readonly groupByDocument?: boolean;
}

export interface SearchHit {
  readonly root: string;
  /** Relative to `root`, forward slashes. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly heading: string;
  readonly score: number;
  readonly docVersion: string;
  /** The file changed (or vanished) since this chunk was indexed: the text may no longer be there. */
  readonly stale: boolean;
  readonly chunkId: number;
  readonly text: string;
}

/** Where a hit points and how much to trust it: the fields every consumer (CLI JSON, editor) shows. */
export function hitLocation(h: SearchHit) {
  const { path, startLine, endLine, heading, score, docVersion, stale } = h;
  return { path, startLine, endLine, heading, score, docVersion, stale };
}

/** How many candidates each ranker contributes before fusion. */
const CANDIDATES = 100;

export async function searchChunks(
  store: RetrievalStore,
  query: string,
  dense: { index: DenseIndex; embedder: TextEmbedder } | null,
  options: SearchOptions = {},
): Promise<SearchHit[]> {
  const k = options.k ?? 10;
  const mode = options.mode ?? 'hybrid';
  if (mode !== 'lexical' && !dense) throw new Error(`${mode} search needs the embedding model; none is loaded`);
  const depth = Math.max(CANDIDATES, k * (options.groupByDocument ? 10 : 3));

  const lists: RankedId[][] = [];
  if (mode !== 'dense') lists.push(lexicalSearch(store.db, query, depth));
  if (mode !== 'lexical' && dense) {
    const [vector] = await dense.embedder.embed([query]);
    lists.push(dense.index.search(vector!, depth));
  }
  const ranked = lists.length === 1 ? lists[0]! : reciprocalRankFusion(lists);

  const rows = store.chunksById(ranked.map((r) => r.id));
  const docStale = new Map<number, boolean>();
  const seenDocs = new Set<number>();
  const hits: SearchHit[] = [];
  for (const r of ranked) {
    const row = rows.get(r.id);
    if (!row) continue; // deleted since the vector index was loaded
    if (options.groupByDocument) {
      if (seenDocs.has(row.document_id)) continue;
      seenDocs.add(row.document_id);
    }
    let stale = docStale.get(row.document_id);
    if (stale === undefined) {
      const doc = store.document(row.root, row.path);
      stale = !doc || doc.content_hash !== row.doc_version || isStale(doc);
      docStale.set(row.document_id, stale);
    }
    hits.push({
      root: row.root,
      path: row.path,
      startLine: row.start_line,
      endLine: row.end_line,
      heading: (JSON.parse(row.heading) as string[]).join(' > '),
      score: r.score,
      docVersion: row.doc_version,
      stale,
      chunkId: row.id,
      text: row.text,
    });
    if (hits.length >= k) break;
  }
  return hits;
}

export function absolutePath(hit: Pick<SearchHit, 'root' | 'path'>): string {
  return path.join(hit.root, hit.path);
}
