// One way in for every caller (`serve --store URL`, the CLI, tests, child processes): a URL picks the adapter.
//   postgres://user@host:port/db[?schema=NAME]   the Postgres adapter (its schema, default runbook_agent)
//   sqlite:/path/to/engine.sqlite or a plain path  the SQLite adapter on that file
import type { ControlStore } from './types';

export async function openControlStore(target: string, options: { readonly onError?: (error: Error) => void } = {}): Promise<ControlStore> {
  if (/^postgres(ql)?:\/\//.test(target)) {
    const url = new URL(target);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    const { openPostgresStore } = await import('./postgres/store');
    return openPostgresStore({ connectionString: url.toString(), schema, onError: options.onError });
  }
  const file = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : target;
  const { openSqliteStore } = await import('./sqlite/store');
  return openSqliteStore(file);
}
