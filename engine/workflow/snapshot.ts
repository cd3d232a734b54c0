import type { SnapshotHit } from '../../protocol/workflow';
import type { Db } from '../db/open';
import { sql } from './sql';

/** Stores what the planner saw, inside the planning commit's transaction. */
export function saveSnapshot(db: Db, workflowId: string, planVersion: number, hits: readonly SnapshotHit[]): void {
  const insert = sql(db, 
    'INSERT INTO retrieval_snapshots (workflow_id, plan_version, rank, chunk_id, doc_id, doc_version, score, stale) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  hits.forEach((h, rank) => insert.run(workflowId, planVersion, rank, h.chunkId, h.docId, h.docVersion, h.score, h.stale ? 1 : 0));
}

export function loadSnapshot(db: Db, workflowId: string): Array<SnapshotHit & { planVersion: number }> {
  const rows = sql(db, 'SELECT plan_version, chunk_id, doc_id, doc_version, score, stale FROM retrieval_snapshots WHERE workflow_id = ? ORDER BY plan_version, rank')
    .all(workflowId) as Array<{ plan_version: number; chunk_id: string; doc_id: string; doc_version: string; score: number; stale: number }>;
  return rows.map((r) => ({
    planVersion: r.plan_version,
    chunkId: r.chunk_id,
    docId: r.doc_id,
    docVersion: r.doc_version,
    score: r.score,
    stale: r.stale === 1,
  }));
}
