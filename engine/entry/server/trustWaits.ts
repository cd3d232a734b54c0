import path from 'node:path';
import type { Db } from '../../control/db/open';
import { approve } from '../../control/workflow/person';

/** Lifts the pause of every workflow of these folders that waits only because the workspace was not trusted. */
export function resumeTrustWaits(db: Db, folders: readonly string[]): number {
  const roots = new Set(folders.map((f) => path.resolve(f)));
  const rows = db
    .prepare(`SELECT id, workspace FROM workflows WHERE state = 'WAITING_FOR_PERSON' AND json_extract(view, '$.waiting.kind') = 'trust'`)
    .all() as Array<{ id: string; workspace: string }>;
  let resumed = 0;
  for (const r of rows) {
    if (!roots.has(r.workspace)) continue;
    approve(db, r.id, 'workspace trust granted');
    resumed++;
  }
  return resumed;
}
