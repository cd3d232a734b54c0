import type { SnapshotHit } from '../../../../protocol/workflow';
import type { Db } from '../../db/open';
import { sql } from './sql';

/** Stores what the planner saw, inside the planning commit's transaction. */
export function saveSnapshot(db: Db, workflowId: string, planVersion: number, hits: readonly SnapshotHit[]): void {
  const insert = sql(db, 
    'INSERT INTO retrieval_snapshots (workflow_id, plan_version, rank, chunk_id, doc_id, doc_version, score, stale, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  hits.forEach((h, rank) => {
    const location = h.startLine === undefined ? null : JSON.stringify({ root: h.root, startLine: h.startLine, endLine: h.endLine, heading: h.heading });
    insert.run(workflowId, planVersion, rank, h.chunkId, h.docId, h.docVersion, h.score, h.stale ? 1 : 0, location);
  });
}

export function loadSnapshot(db: Db, workflowId: string): Array<SnapshotHit & { planVersion: number }> {
  const rows = sql(db, 'SELECT plan_version, chunk_id, doc_id, doc_version, score, stale, location FROM retrieval_snapshots WHERE workflow_id = ? ORDER BY plan_version, rank')
    .all(workflowId) as Array<{ plan_version: number; chunk_id: string; doc_id: string; doc_version: string; score: number; stale: number; location: string | null }>;
  return rows.map((r) => ({
    ...(r.location === null ? {} : (JSON.parse(r.location) as { root?: string; startLine?: number; endLine?: number; heading?: string })),
    planVersion: r.plan_version,
    chunkId: r.chunk_id,
    docId: r.doc_id,
    docVersion: r.doc_version,
    score: r.score,
    stale: r.stale === 1,
  }));
}
