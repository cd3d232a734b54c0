import path from 'node:path';
import type { Db } from '../../control/db/open';
import { trustWaits } from '../../control/store/sqlite/reads';
import { approve } from '../../control/workflow/person';

/** Lifts the pause of every workflow of these folders that waits only because the workspace was not trusted. */
export function resumeTrustWaits(db: Db, folders: readonly string[]): number {
  const roots = new Set(folders.map((f) => path.resolve(f)));
  let resumed = 0;
  for (const r of trustWaits(db)) {
    if (!roots.has(r.workspace)) continue;
    approve(db, r.id, 'workspace trust granted');
    resumed++;
  }
  return resumed;
}
