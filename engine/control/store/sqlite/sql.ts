import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/open';

const caches = new WeakMap<Db, Map<string, Statement>>();

/** A prepared statement, compiled once per connection: compiling SQL costs more than running these small queries. */
export function sql(db: Db, text: string): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.prepare(text)));
  return stmt;
}
