import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MemoryItem } from '../../../../protocol/memory';
import { openDatabase } from '../../../control/db/open';
import type { ControlStore } from '../../../control/store/types';
import { memoryMarkdown, UnknownMemory, type Forgotten, type StoredMemory } from '../../../memory/incidents/incident';
import { catchUpInStore } from '../../../memory/incidents/inStore';
import { memoryItem } from '../../../memory/incidents/record';
import { catchUp, forgetMemory, getMemory, listMemories } from '../../../memory/incidents/store';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand, type Io, type ParsedArgs } from '../command';
import { STORE_OPTION, STORE_USAGE, storeOf, withStore } from './storeCommands';

function open(values: Record<string, unknown>) {
  const file = typeof values.db === 'string' ? values.db : defaultDatabasePath();
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  // Not read-only: settled workflows not yet remembered are remembered first, and forget writes.
  return openDatabase(file);
}

/** What the three actions need, from the local file or the control store. */
interface Memories {
  catchUp(workspace: string | null): Promise<unknown>;
  list(options: { workspace?: string; limit: number }): Promise<StoredMemory[]>;
  get(id: string): Promise<StoredMemory | null>;
  forget(id: string, by: string): Promise<Forgotten>;
}

const inFile = (values: ParsedArgs['values']) => async <T>(fn: (m: Memories) => Promise<T>): Promise<T> => {
  const db = open(values);
  try {
    return await fn({
      catchUp: async (workspace) => catchUp(db, workspace, 1000),
      list: async (options) => listMemories(db, options),
      get: async (id) => getMemory(db, id),
      forget: async (id, by) => forgetMemory(db, id, by),
    });
  } finally {
    db.close();
  }
};

const inStore = (store: ControlStore): Memories => ({
  catchUp: (workspace) => catchUpInStore(store, workspace, 1000),
  list: (options) => store.listMemories(options),
  get: (id) => store.getMemory(id),
  forget: (id, by) => store.forgetMemory(id, by, Date.now()),
});

const line = (m: MemoryItem) =>
  `${m.id}  ${m.settledAt}  ${m.state.toLowerCase()}  ${m.title} (${Object.entries(m.labels).map(([k, v]) => `${k}=${v}`).join(', ')})${m.fixed.length ? `; fixed by: ${m.fixed.join('; ')}` : ''}`;

/**
 * `memory list|show ID|forget ID`: the incident memories behind "last time", in the local SQLite file or, with
 * --store, in the control store the `serve --store` replicas share. Forgetting deletes the memory and records who
 * forgot it and when in the hash-chained event log (never what it said); the workflow stays.
 */
export const memoryCommand: CliCommand = {
  name: 'memory',
  summary: "incident memory ('last time' for an alert): 'list', 'show ID', 'forget ID' (the event log records who forgot it)",
  usage: `list [--workspace DIR] [--limit N] | show ID | forget ID [--by NAME]; [--db FILE] [--json] ${STORE_USAGE}`,
  options: { db: { type: 'string' }, json: { type: 'boolean' }, workspace: { type: 'string' }, limit: { type: 'string' }, by: { type: 'string' }, ...STORE_OPTION },
  positionals: { min: 1, max: 2 },
  run({ values, positionals }, io) {
    const [action, id] = positionals;
    if (action !== 'list' && action !== 'show' && action !== 'forget') throw new UsageError(`unknown memory action '${action}' (expected list, show or forget)`);
    if (action === 'list' && id !== undefined) throw new UsageError("'memory list' takes no ID");
    if (action !== 'list' && id === undefined) throw new UsageError(`'memory ${action}' needs the memory's ID (memory list shows them)`);
    const limit = values.limit === undefined ? 200 : Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive integer');
    const url = storeOf(values);
    const run = (m: Memories) => memoryAction(m, action, id, limit, values, io);
    // With --store, the memories of the team's workflows (a bad URL is a UsageError before anything is opened).
    return url !== undefined ? withStore(url, (store) => run(inStore(store))) : inFile(values)(run);
  },
};

async function memoryAction(m: Memories, action: 'list' | 'show' | 'forget', id: string | undefined, limit: number, values: ParsedArgs['values'], io: Io): Promise<number> {
  if (action === 'list') {
    const workspace = typeof values.workspace === 'string' ? path.resolve(values.workspace) : undefined;
    // Settled workflows not yet remembered (settled by a person, say) are remembered first.
    await m.catchUp(workspace ?? null);
    const memories = (await m.list({ workspace, limit })).map(memoryItem);
    if (values.json) io.out(JSON.stringify({ memories }, null, 2));
    else io.out(memories.length === 0 ? 'no incident memories' : memories.map(line).join('\n'));
    return 0;
  }
  if (action === 'show') {
    const stored = await m.get(id!);
    if (!stored) throw new UnknownMemory(id!);
    io.out(values.json ? JSON.stringify({ id: stored.id, workspace: stored.workspace, memory: stored.memory }, null, 2) : memoryMarkdown(stored.memory).trimEnd());
    return 0;
  }
  const by = typeof values.by === 'string' && values.by.trim() !== '' ? values.by.trim() : os.userInfo().username;
  const forgotten = await m.forget(id!, by);
  io.out(values.json ? JSON.stringify({ forgotten }, null, 2) : `forgot ${forgotten.id} (workflow ${forgotten.workflowId}); the event log records it as event ${forgotten.seq}`);
  return 0;
}
