import fs from 'node:fs';
import { openDatabase, type OpenOptions } from '../../engine/control/db/open';

/** Pages overwritten: enough that `quick_check` cannot miss them, few enough that the file still opens. */
const DAMAGED_PAGES = 4;

/**
 * Writes a database in WAL mode at the schema `options.migrations` reach (the latest by default) whose embedding
 * cache (a table that holds thousands of rows in real use) spans many pages, then overwrites four of that table's
 * leaf pages with garbage. Opening it writes nothing, so a test can check the file is left as it was.
 * Returns the damaged file's bytes.
 */
export function writeDamagedDatabase(file: string, options: Pick<OpenOptions, 'migrations'> = {}): Buffer {
  const db = openDatabase(file, options);
  const insert = db.prepare('INSERT INTO embeddings (model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run('test-model', `hash-${i}`, 32, Buffer.alloc(128, i % 256));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = (
    db.prepare("SELECT pageno FROM dbstat WHERE name = 'embeddings' AND pagetype = 'leaf' ORDER BY pageno").all() as Array<{ pageno: number }>
  ).map((r) => r.pageno);
  db.close();
  if (pages.length < DAMAGED_PAGES * 2) throw new Error(`the embeddings table spans only ${pages.length} leaf pages`);
  const bytes = fs.readFileSync(file);
  // Pages are numbered from 1; four from the middle of the table's b-tree.
  const middle = Math.floor(pages.length / 2);
  for (const page of pages.slice(middle, middle + DAMAGED_PAGES)) bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize);
  fs.writeFileSync(file, bytes);
  return bytes;
}
