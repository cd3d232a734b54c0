import path from 'node:path';
import type { TextEmbedder } from '../embed/types';
import { isStale } from './freshness';
import { DEFAULT_FUSION, fuse, type FusionSettings } from './fusion';
import { FIELD_WEIGHTS, lexicalSearch, type QueryGroup, type RankedId } from './lexical';
import { searchQuery, type AlertQuery, type SearchQuery } from './query';
import type { ChunkRow, RetrievalStore } from './store';
import type { VectorHit } from './vectorIndex';

/** Where dense candidates come from: the index worker's host (denseHost.ts), or anything that answers the same way. */
export interface DenseSearcher {
  search(vector: Float32Array, k: number): Promise<VectorHit[]> | VectorHit[];
  /** Runs the lexical query too, off the caller's thread (the index worker does); absent: it runs here. */
  lexical?(groups: readonly QueryGroup[], limit: number, weights?: typeof FIELD_WEIGHTS): Promise<RankedId[]>;
}

export type SearchMode = 'hybrid' | 'lexical' | 'dense';

export interface SearchOptions {
  readonly k?: number;
  readonly mode?: SearchMode;
  /** One hit per document (its best chunk), for "which runbook" rather than "which section". */
  readonly groupByDocument?: boolean;
  /** Fusion of the two rankings in hybrid mode (the tuned defaults when absent; the quality bench varies it). */
  readonly fusion?: FusionSettings;
  /** bm25 weights of the lexical fields (FIELD_WEIGHTS when absent; the quality bench varies them). */
  readonly fieldWeights?: typeof FIELD_WEIGHTS;
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

/**
 * Ranks chunks for a query: free text (the search box) or an alert (its name, summary, description and labels,
 * each weighted: query.ts). Lexical is field-weighted bm25 (lexical.ts), dense the embedding model's nearest
 * neighbours, hybrid their weighted rank fusion (fusion.ts). With `groupByDocument` each ranking is first cut to
 * one chunk per document, so a runbook with many matching sections does not push the others down twice.
 */
export async function searchChunks(
  store: RetrievalStore,
  query: string | AlertQuery | SearchQuery,
  dense: { index: DenseSearcher; embedder: TextEmbedder } | null,
  options: SearchOptions = {},
): Promise<SearchHit[]> {
  const k = options.k ?? 10;
  const mode = options.mode ?? 'hybrid';
  if (mode !== 'lexical' && !dense) throw new Error(`${mode} search needs the embedding model; none is loaded`);
  const depth = Math.max(CANDIDATES, k * (options.groupByDocument ? 10 : 3));
  const q = isSearchQuery(query) ? query : searchQuery(query);

  const lists: RankedId[][] = [];
  const weights: number[] = [];
  const fusion = options.fusion ?? DEFAULT_FUSION;
  // Both rankings run at once, each off this thread when the index worker is there (bm25 at 100k chunks is slow).
  const lexical = mode === 'dense' ? null : dense?.index.lexical ? dense.index.lexical(q.lexical, depth, options.fieldWeights) : lexicalSearch(store.db, q.lexical, depth, options.fieldWeights);
  const nearest = mode === 'lexical' || !dense ? null : dense.embedder.embed([q.dense]).then(([vector]) => dense.index.search(vector!, depth));
  if (lexical) {
    lists.push(await lexical);
    weights.push(fusion.lexicalWeight);
  }
  if (nearest) {
    lists.push(await nearest);
    weights.push(fusion.denseWeight);
  }
  const rows = store.chunksById([...new Set(lists.flat().map((r) => r.id))]);
  const ranked = options.groupByDocument ? fuseDocuments(lists, weights, fusion, rows) : lists.length === 1 ? lists[0]! : fuse(lists, weights, fusion);

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

function isSearchQuery(q: string | AlertQuery | SearchQuery): q is SearchQuery {
  return typeof q === 'object' && 'lexical' in q && 'dense' in q;
}

/**
 * Fusion at document level: each ranking is cut to one entry per document (its best chunk there), the documents
 * are fused, and each is shown by the chunk that ranked best in any list. (Fusing chunk ids would split a
 * document's votes when the two rankings prefer different sections of it.) Chunks no longer stored are dropped.
 */
function fuseDocuments(lists: readonly RankedId[][], weights: readonly number[], fusion: FusionSettings, rows: ReadonlyMap<number, ChunkRow>): RankedId[] {
  const shownBy = new Map<number, { chunk: number; rank: number }>();
  const perDocument = lists.map((list) => {
    const seen = new Set<number>();
    const out: RankedId[] = [];
    for (const r of list) {
      const row = rows.get(r.id);
      if (!row || seen.has(row.document_id)) continue;
      seen.add(row.document_id);
      const best = shownBy.get(row.document_id);
      if (!best || out.length < best.rank) shownBy.set(row.document_id, { chunk: r.id, rank: out.length });
      out.push({ id: row.document_id, score: r.score });
    }
    return out;
  });
  const fused = perDocument.length === 1 ? perDocument[0]! : fuse(perDocument, weights, fusion);
  return fused.map((d) => ({ id: shownBy.get(d.id)!.chunk, score: d.score }));
}

export function absolutePath(hit: Pick<SearchHit, 'root' | 'path'>): string {
  return path.join(hit.root, hit.path);
}
