// The Postgres store's schema history: versioned, append-only (never edit a shipped migration), applied in one
// transaction under an advisory lock, so two engines starting at once migrate once. A database whose schema is
// newer than this code is refused, as engine/control/db/open.ts refuses a newer SQLite file.
import { DatabaseProblem } from '../../db/errors';
import { transaction, type Pool } from './connect';

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const appendOnly = (table: string) => `
  CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_change();
  CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();`;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'control store: workflows, per-chain event log, checkpoints, queue, records, switches',
    sql: `
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;

      CREATE TABLE workflows (
        id text PRIMARY KEY,
        intake_key text UNIQUE,
        workspace text NOT NULL DEFAULT '',
        state text NOT NULL,
        title text NOT NULL,
        reason text,
        -- JSON text, not jsonb: jsonb refuses \\u0000, which an alert's text may carry.
        view text NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX workflows_newest ON workflows (created_at DESC, id);
      -- Spelled out, not built from SETTLED_STATES: a shipped migration's text never changes. Should the settled
      -- states change, a new migration rebuilds this index (only its use by the recovery queries is at stake).
      CREATE INDEX workflows_unsettled ON workflows (state) WHERE state NOT IN ('COMPLETED', 'ESCALATED', 'WAITING_FOR_PERSON', 'CANCELLED');
      CREATE INDEX workflows_waiting ON workflows (workspace) WHERE state = 'WAITING_FOR_PERSON';

      -- One hash chain per workflow (chain = its id) and per system concern ('~kill_switch', '~tier',
      -- '~breaker:NAME'): commits of different workflows never wait on one head row. seq comes from a sequence
      -- (no lock held to commit) and is covered by the event's hash; it orders events inside a checkpoint.
      CREATE SEQUENCE event_seq;
      CREATE TABLE events (
        seq bigint PRIMARY KEY,
        chain text NOT NULL,
        chain_seq bigint NOT NULL CHECK (chain_seq > 0),
        workflow_id text,
        type text NOT NULL,
        from_state text,
        to_state text,
        actor text NOT NULL CHECK (actor IN ('engine', 'tool', 'person')),
        attempt integer NOT NULL,
        at bigint NOT NULL,
        data text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (chain, chain_seq)
      );
      CREATE INDEX events_by_workflow ON events (workflow_id, chain_seq);
      ${appendOnly('events')}
      CREATE TABLE chain_heads (chain text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL);

      -- Merkle checkpoints over all chain heads: the global, verifiable order of the audit export.
      CREATE TABLE checkpoints (
        id bigint PRIMARY KEY,
        at bigint NOT NULL,
        prev_hash text NOT NULL,
        root text NOT NULL,
        chains bigint NOT NULL,
        events bigint NOT NULL,
        hash text NOT NULL
      );
      ${appendOnly('checkpoints')}
      CREATE TABLE checkpoint_heads (
        checkpoint_id bigint NOT NULL REFERENCES checkpoints (id),
        chain text NOT NULL,
        seq bigint NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (checkpoint_id, chain)
      );
      CREATE INDEX checkpoint_heads_by_chain ON checkpoint_heads (chain, checkpoint_id);
      ${appendOnly('checkpoint_heads')}

      CREATE TABLE tasks (
        workflow_id text PRIMARY KEY REFERENCES workflows (id),
        queue text NOT NULL DEFAULT '',
        available_at bigint NOT NULL,
        lease_owner text,
        lease_token text,
        lease_expires_at bigint,
        deliveries integer NOT NULL DEFAULT 0
      );
      CREATE INDEX tasks_ready ON tasks (available_at);
      CREATE INDEX tasks_queue_ready ON tasks (queue, available_at);
      CREATE INDEX tasks_owner ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;

      CREATE TABLE tool_calls (
        key text PRIMARY KEY,
        workflow_id text NOT NULL REFERENCES workflows (id),
        step_id text NOT NULL,
        tool text NOT NULL,
        input text NOT NULL,
        status text NOT NULL CHECK (status IN ('intended', 'done', 'failed', 'unknown')),
        attempts integer NOT NULL,
        result text,
        error text,
        intended_at bigint NOT NULL,
        finished_at bigint,
        ord bigserial
      );
      CREATE INDEX tool_calls_by_workflow ON tool_calls (workflow_id, intended_at, ord);

      CREATE TABLE retrieval_snapshots (
        workflow_id text NOT NULL REFERENCES workflows (id),
        plan_version integer NOT NULL,
        rank integer NOT NULL,
        chunk_id text NOT NULL,
        doc_id text NOT NULL,
        doc_version text NOT NULL,
        score double precision NOT NULL,
        stale boolean NOT NULL,
        location text,
        PRIMARY KEY (workflow_id, plan_version, rank)
      );

      CREATE TABLE breakers (
        name text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('closed', 'open', 'half-open')),
        consecutive_failures integer NOT NULL,
        opened_at bigint,
        probe_started_at bigint
      );
      CREATE TABLE kill_switches (
        name text PRIMARY KEY CHECK (name IN ('writes', 'network', 'shell')),
        engaged boolean NOT NULL,
        changed_by text NOT NULL,
        changed_at bigint NOT NULL,
        reason text NOT NULL
      );
      CREATE TABLE workspace_tiers (
        root text PRIMARY KEY,
        tier text NOT NULL CHECK (tier IN ('read-only', 'approved-writes', 'auto-approve')),
        changed_by text NOT NULL,
        changed_at bigint NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'done calls by tool, for the silence sweep every replica runs',
    sql: `CREATE INDEX tool_calls_done_by_tool ON tool_calls (tool, finished_at) WHERE status = 'done';`,
  },
  {
    version: 3,
    name: 'incident memory: one row per settled workflow, shared by every replica',
    sql: `
      -- As the SQLite file's table (engine/memory/incidents/schema.ts): the memory as JSON text (already redacted and
      -- capped) plus the columns recall filters and sorts on. Forgetting deletes the row and logs a memory_forgotten
      -- event on the '~memory' system chain.
      CREATE TABLE incident_memories (
        id text PRIMARY KEY,
        workflow_id text NOT NULL UNIQUE,
        workspace text NOT NULL,
        alertname text NOT NULL,
        identity text NOT NULL,
        state text NOT NULL,
        settled_at bigint NOT NULL,
        memory text NOT NULL,
        remembered_at bigint NOT NULL
      );
      CREATE INDEX incident_memories_by_alert ON incident_memories (workspace, alertname, settled_at DESC);
      CREATE INDEX incident_memories_recent ON incident_memories (workspace, settled_at DESC);
      -- Catch-up: a workspace's settled workflows, most recently updated first.
      CREATE INDEX workflows_settled ON workflows (workspace, updated_at DESC) WHERE state IN ('COMPLETED', 'ESCALATED', 'CANCELLED');`,
  },
];

/** Brings `schema` up to the latest version; returns it. */
export async function migrate(pool: Pool, schema: string, list: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  return transaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`runbook-agent:migrate:${schema}`]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query(`CREATE TABLE IF NOT EXISTS ${schema}.store_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const current = Number((await c.query(`SELECT coalesce(max(version), 0) AS v FROM ${schema}.store_migrations`)).rows[0]?.v ?? 0);
    if (current > list.length) {
      throw new DatabaseProblem('too-new', `Postgres schema ${schema} has version ${current}, newer than this Runbook Agent understands (${list.length}); nothing was changed`);
    }
    for (const m of list.slice(current)) {
      await c.query(m.sql);
      await c.query(`INSERT INTO ${schema}.store_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
    return list.length;
  });
}
