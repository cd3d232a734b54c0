import type Database from 'better-sqlite3';
import type { Db } from '../../db/open';
import { appendEvent } from './eventLog';
import { storageError } from '../../workflow/errors';
import { recheckHeld } from '../../workflow/person';
import { DEFAULT_TIER, Tier } from '../../policy/schema';

/**
 * Migration 4. The tier of each workspace, kept in the user's own database (never in the repository it
 * applies to); and the workspace of each workflow, with a queue per workspace, so an engine serving one
 * workspace never runs another's workflows with its tools. Snapshots also keep where each hit was (root,
 * lines, heading), so the panel can open the exact section a plan came from.
 */
export function createTierTable(db: Database.Database): void {
  db.exec(`
    ALTER TABLE workflows ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
    ALTER TABLE tasks ADD COLUMN queue TEXT NOT NULL DEFAULT '';
    CREATE INDEX tasks_queue_ready ON tasks (queue, available_at);
    ALTER TABLE retrieval_snapshots ADD COLUMN location TEXT;
    CREATE TABLE workspace_tiers (
      root TEXT PRIMARY KEY,
      tier TEXT NOT NULL CHECK (tier IN ('read-only', 'approved-writes', 'auto-approve')),
      changed_by TEXT NOT NULL,
      changed_at INTEGER NOT NULL
    ) STRICT;
  `);
}

/** A workspace seen for the first time is read-only. */
export function getTier(db: Db, root: string): Tier {
  const row = db.prepare('SELECT tier FROM workspace_tiers WHERE root = ?').get(root) as { tier: string } | undefined;
  return row ? Tier.parse(row.tier) : DEFAULT_TIER;
}

/**
 * Each change is an event in the chained log, like a kill switch. Steps the old tier held are handed back to
 * the engine, which checks them against the new tier (so their cards say what is true now).
 */
export function setTier(db: Db, root: string, tier: Tier, by: string, now: number): void {
  try {
    db.transaction(() => {
      db.prepare(
        `INSERT INTO workspace_tiers (root, tier, changed_by, changed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (root) DO UPDATE SET tier = excluded.tier, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
      ).run(root, tier, by, now);
      appendEvent(db, { workflowId: null, type: 'tier', from: null, to: null, actor: 'person', attempt: 0, at: now, data: { root, tier, by } });
    }).immediate();
  } catch (error) {
    throw storageError(error);
  }
  recheckHeld(db, root, `tier changed to ${tier} by ${by}`, now);
}
