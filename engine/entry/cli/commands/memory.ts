import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../control/db/open';
import { memoryMarkdown } from '../../../memory/incidents/incident';
import { catchUp, forgetMemory, getMemory, listMemories, memoryItem } from '../../../memory/incidents/store';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand } from '../command';
import { STORE_OPTION, storeOf } from './storeCommands';

function open(values: Record<string, unknown>) {
  const file = typeof values.db === 'string' ? values.db : defaultDatabasePath();
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  // Not read-only: settled workflows not yet remembered are remembered first, and forget writes.
  return openDatabase(file);
}

/**
 * `memory list|show ID|forget ID`: the incident memories behind "last time". Forgetting deletes the memory and
 * records who forgot it and when in the hash-chained event log (never what it said); the workflow stays.
 */
export const memoryCommand: CliCommand = {
  name: 'memory',
  summary: "incident memory ('last time' for an alert): 'list', 'show ID', 'forget ID' (the event log records who forgot it)",
  usage: 'list [--workspace DIR] [--limit N] | show ID | forget ID [--by NAME]; [--db FILE] [--json]',
  // --store is taken only to refuse it: the memories of `serve --store` replicas are not in any local file.
  options: { db: { type: 'string' }, json: { type: 'boolean' }, workspace: { type: 'string' }, limit: { type: 'string' }, by: { type: 'string' }, ...STORE_OPTION },
  positionals: { min: 1, max: 2 },
  run({ values, positionals }, io) {
    const [action, id] = positionals;
    if (storeOf(values) !== undefined) {
      throw new UsageError('incident memory is not kept in the control store yet: `serve --store` replicas neither remember settled workflows nor recall "Last time", so there is nothing to list, show or forget there (without --store, memory works on the local SQLite file, --db)');
    }
    if (action !== 'list' && action !== 'show' && action !== 'forget') throw new UsageError(`unknown memory action '${action}' (expected list, show or forget)`);
    if (action === 'list' && id !== undefined) throw new UsageError("'memory list' takes no ID");
    if (action !== 'list' && id === undefined) throw new UsageError(`'memory ${action}' needs the memory's ID (memory list shows them)`);
    const limit = values.limit === undefined ? 200 : Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive integer');
    const db = open(values);
    try {
      if (action === 'list') {
        const workspace = typeof values.workspace === 'string' ? path.resolve(values.workspace) : undefined;
        catchUp(db, workspace ?? null, 1000);
        const memories = listMemories(db, { workspace, limit }).map(memoryItem);
        if (values.json) io.out(JSON.stringify({ memories }, null, 2));
        else if (memories.length === 0) io.out('no incident memories');
        else
          io.out(
            memories
              .map((m) => `${m.id}  ${m.settledAt}  ${m.state.toLowerCase()}  ${m.title} (${Object.entries(m.labels).map(([k, v]) => `${k}=${v}`).join(', ')})${m.fixed.length ? `; fixed by: ${m.fixed.join('; ')}` : ''}`)
              .join('\n'),
          );
        return 0;
      }
      if (action === 'show') {
        const stored = getMemory(db, id!);
        if (!stored) throw new Error(`no incident memory ${id} (runbook-agent memory list shows them)`);
        io.out(values.json ? JSON.stringify({ id: stored.id, workspace: stored.workspace, memory: stored.memory }, null, 2) : memoryMarkdown(stored.memory).trimEnd());
        return 0;
      }
      const by = typeof values.by === 'string' && values.by.trim() !== '' ? values.by.trim() : os.userInfo().username;
      const forgotten = forgetMemory(db, id!, by);
      io.out(values.json ? JSON.stringify({ forgotten }, null, 2) : `forgot ${forgotten.id} (workflow ${forgotten.workflowId}); the event log records it as event ${forgotten.seq}`);
      return 0;
    } finally {
      db.close();
    }
  },
};
