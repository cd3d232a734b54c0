import type Database from 'better-sqlite3';

/**
 * Tables of the durable workflow engine (schema version 2).
 * - workflows: the current view of each workflow (state + reduced JSON view); rebuilt by replaying events.
 * - workflow_events: the append-only, hash-chained history (triggers refuse UPDATE and DELETE).
 * - event_log_head: the last seq and hash, so deleting the newest events is detected too.
 * - tasks: the queue; one row per runnable workflow, with a lease (owner, token, expiry).
 * - tool_calls: idempotency records, intended -> done | failed | unknown, with the stored result.
 * - breakers, kill_switches: shared switches, visible to the CLI and the UI.
 * - retrieval_snapshots: what the planner saw (chunk, doc version, score) when it planned.
 */
export function createWorkflowTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE workflows (
      id TEXT PRIMARY KEY,
      intake_key TEXT UNIQUE,
      state TEXT NOT NULL,
      title TEXT NOT NULL,
      reason TEXT,
      view TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX workflows_unsettled ON workflows (state) WHERE state NOT IN ('COMPLETED', 'ESCALATED', 'WAITING_FOR_PERSON');

    CREATE TABLE workflow_events (
      seq INTEGER PRIMARY KEY,
      workflow_id TEXT,
      type TEXT NOT NULL,
      from_state TEXT,
      to_state TEXT,
      actor TEXT NOT NULL CHECK (actor IN ('engine', 'tool', 'person')),
      attempt INTEGER NOT NULL,
      at INTEGER NOT NULL,
      data TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;
    CREATE INDEX workflow_events_by_workflow ON workflow_events (workflow_id, seq);
    CREATE TRIGGER workflow_events_no_update BEFORE UPDATE ON workflow_events
      BEGIN SELECT RAISE(ABORT, 'workflow_events is append-only'); END;
    CREATE TRIGGER workflow_events_no_delete BEFORE DELETE ON workflow_events
      BEGIN SELECT RAISE(ABORT, 'workflow_events is append-only'); END;

    CREATE TABLE event_log_head (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      seq INTEGER NOT NULL,
      hash TEXT NOT NULL
    ) STRICT;

    CREATE TABLE tasks (
      workflow_id TEXT PRIMARY KEY REFERENCES workflows (id),
      available_at INTEGER NOT NULL,
      lease_owner TEXT,
      lease_token TEXT,
      lease_expires_at INTEGER,
      deliveries INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX tasks_ready ON tasks (available_at);

    CREATE TABLE tool_calls (
      key TEXT PRIMARY KEY,
      workflow_id TEXT NOT NULL REFERENCES workflows (id),
      step_id TEXT NOT NULL,
      tool TEXT NOT NULL,
      input TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('intended', 'done', 'failed', 'unknown')),
      attempts INTEGER NOT NULL,
      result TEXT,
      error TEXT,
      intended_at INTEGER NOT NULL,
      finished_at INTEGER
    ) STRICT;
    CREATE INDEX tool_calls_by_workflow ON tool_calls (workflow_id);

    CREATE TABLE breakers (
      name TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('closed', 'open', 'half-open')),
      consecutive_failures INTEGER NOT NULL,
      opened_at INTEGER,
      probe_started_at INTEGER
    ) STRICT;

    CREATE TABLE kill_switches (
      name TEXT PRIMARY KEY CHECK (name IN ('writes', 'network', 'shell')),
      engaged INTEGER NOT NULL,
      changed_by TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      reason TEXT NOT NULL
    ) STRICT;

    CREATE TABLE retrieval_snapshots (
      workflow_id TEXT NOT NULL REFERENCES workflows (id),
      plan_version INTEGER NOT NULL,
      rank INTEGER NOT NULL,
      chunk_id TEXT NOT NULL,
      doc_id TEXT NOT NULL,
      doc_version TEXT NOT NULL,
      score REAL NOT NULL,
      stale INTEGER NOT NULL CHECK (stale IN (0, 1)),
      PRIMARY KEY (workflow_id, plan_version, rank)
    ) STRICT;
  `);
}
