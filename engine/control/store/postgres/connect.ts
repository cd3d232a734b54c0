// The pool, the schema every connection works in, and one transaction helper for every durable write.
import pg from 'pg';
import { StorageProblem } from '../../workflow/errors';

export type Pool = pg.Pool;
export type Sql = pg.Pool | pg.PoolClient;

export interface PgStoreOptions {
  /** postgres://user@host:port/database */
  readonly connectionString: string;
  /** The schema holding the store's tables (default "runbook_agent"); tests give each store its own. */
  readonly schema?: string;
  /** Connections in the pool (default 10). */
  readonly max?: number;
  /** An idle pooled connection or the LISTEN connection failed (the pool drops it and makes a new one). */
  readonly onError?: (error: Error) => void;
}

/** The schema is an identifier in SQL text (search_path, CREATE SCHEMA, LISTEN), so it is checked, never quoted blindly. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,40}$/;

export function schemaOf(options: PgStoreOptions): string {
  const schema = options.schema ?? 'runbook_agent';
  if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: lower-case letters, digits and _ only`);
  return schema;
}

/** The notification channel of one store (one schema): commits NOTIFY it, subscribers LISTEN on it. */
export function channelOf(schema: string): string {
  return `rba_commits_${schema}`;
}

export function clientConfig(options: PgStoreOptions): pg.ClientConfig {
  return { connectionString: options.connectionString, options: `-c search_path=${schemaOf(options)}`, application_name: 'runbook-agent' };
}

export function createPool(options: PgStoreOptions): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(options), max: options.max ?? 10 });
  // Without a listener an idle client's error (server restart, dropped socket) would crash the process.
  pool.on('error', (error) => options.onError?.(error));
  return pool;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/**
 * Runs `fn` in one transaction on ONE pooled connection (node-postgres: every statement of a transaction must go
 * through the same client, never pool.query); retried whole on a serialization failure or deadlock, so `fn` must
 * only touch the database. READ COMMITTED unless `begin` says otherwise.
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no listener of the pool's: a connection dropping between two statements would
    // otherwise be an unhandled 'error' event and end the process. The next query fails and rolls back instead.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      if (RETRYABLE.has(codeOf(error)) && attempt < 4) continue;
      throw pgStorageError(error);
    } finally {
      client.off('error', onError);
      // A connection that failed or could not roll back is destroyed rather than handed to the next caller.
      client.release(broken);
    }
  }
}

/**
 * Reads in one REPEATABLE READ snapshot: every statement sees the same committed state, so a check spanning
 * several queries (heads, then events) never mistakes a commit landing between them for a gap.
 */
export function readSnapshot<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return transaction(pool, fn, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

export function codeOf(error: unknown): string {
  return (error as { code?: string }).code ?? '';
}

/** Postgres's disk-full, read-only and lock-timeout errors as the engine's StorageProblem; anything else unchanged. */
export function pgStorageError(error: unknown): unknown {
  const code = codeOf(error);
  const message = (error as Error).message;
  if (code === '53100') return new StorageProblem('full', `database disk is full; the change was rolled back (${message})`);
  if (code === '25006') return new StorageProblem('readonly', `database is read-only; nothing was written (${message})`);
  if (code === '55P03') return new StorageProblem('locked', `a row is locked by another transaction; nothing was written (${message})`);
  return error;
}
