import type { KillSwitchName } from '../../../../protocol/workflow';
import type { Db } from '../../db/open';
import { storageError } from '../../workflow/errors';
import { appendEvent } from './eventLog';
import { sql } from './sql';

/**
 * Kill switches per tool class. They live in SQLite and are read before every tool call, so turning one on
 * (from the engine, the CLI or the UI) stops new calls at once; each change is an event in the chained log.
 */
export function setKillSwitch(db: Db, name: KillSwitchName, engaged: boolean, by: string, reason: string, now: number): void {
  try {
    db.transaction(() => {
      sql(db, 
        `INSERT INTO kill_switches (name, engaged, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET engaged = excluded.engaged, changed_by = excluded.changed_by,
         changed_at = excluded.changed_at, reason = excluded.reason`,
      ).run(name, engaged ? 1 : 0, by, now, reason);
      appendEvent(db, { workflowId: null, type: 'kill_switch', from: null, to: null, actor: 'person', attempt: 0, at: now, data: { name, engaged, by, reason } });
    }).immediate();
  } catch (error) {
    throw storageError(error);
  }
}

export function engagedSwitches(db: Db): Set<KillSwitchName> {
  const rows = sql(db, 'SELECT name FROM kill_switches WHERE engaged = 1').all() as Array<{ name: KillSwitchName }>;
  return new Set(rows.map((r) => r.name));
}
