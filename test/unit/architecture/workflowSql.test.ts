// One control-store boundary (issue #13): SQL on the workflow tables lives in the store (engine/control/store/, the
// SQLite adapter's statements in store/sqlite/) and the migrations (engine/control/db/); everything else, the
// embedded Orchestrator included, calls their functions. The tables are the ones the workflow and tier migrations
// create, read from them, not listed again here.
// Keywords are matched in upper case, as all the engine's SQL is written, so prose ("results from tasks") passes.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createWorkflowTables } from '../../../engine/control/store/sqlite/schema';
import { createTierTable } from '../../../engine/control/store/sqlite/tiers';
import { sources } from './graph';

const ALLOWED = ['store', 'db'].map((d) => path.join('engine', 'control', d) + path.sep);

/** The tables `createWorkflowTables` and `createTierTable` create, from the SQL they run. */
function workflowTables(): string[] {
  const statements: string[] = [];
  const recorder = { exec: (text: string) => statements.push(text) } as unknown as Database.Database;
  createWorkflowTables(recorder);
  createTierTable(recorder);
  return statements.flatMap((s) => [...s.matchAll(/\bCREATE TABLE\s+(\w+)/g)].map((m) => m[1]!));
}

/** `file:line: text` of each statement naming one of `tables` in a file outside the allowed folders. */
function offenders(files: readonly string[], read: (file: string) => string, tables: readonly string[]): string[] {
  const query = new RegExp(`\\b(FROM|JOIN|INTO|UPDATE)\\s+(${tables.join('|')})\\b`, 'g');
  return files
    .filter((file) => !ALLOWED.some((dir) => file.startsWith(dir)))
    .flatMap((file) => {
      const text = read(file);
      return [...text.matchAll(query)].map((m) => {
        const line = text.slice(0, m.index).split('\n').length;
        return `${file}:${line}: ${m[0].replace(/\s+/g, ' ')}`;
      });
    });
}

describe('workflow SQL stays in the store', () => {
  const tables = workflowTables();

  it('reads the workflow tables from the migration', () => {
    expect(tables).toEqual(expect.arrayContaining(['workflows', 'workflow_events', 'tasks', 'tool_calls', 'kill_switches', 'workspace_tiers']));
  });

  it('the check catches a query on a workflow table outside the store, across lines, and only there', () => {
    const files = {
      [path.join('engine', 'entry', 'server', 'x.ts')]: "const a = 1;\nconst rows = db.prepare(`SELECT id\n  FROM\n  workflows WHERE state = ?`);",
      [path.join('engine', 'memory', 'y.ts')]: "db.prepare('SELECT 1 FROM workflow_events e JOIN tool_calls t ON t.key = e.data');",
      [path.join('engine', 'memory', 'z.ts')]: "db.prepare('SELECT * FROM incident_memories'); // results from tasks, workflows_view",
      [path.join('engine', 'control', 'store', 'sqlite', 'ok.ts')]: "db.prepare('DELETE FROM tasks');",
      [path.join('engine', 'control', 'workflow', 'orchestrator.ts')]: "db.prepare('UPDATE workflows SET state = ?');",
      [path.join('engine', 'control', 'db', 'ok.ts')]: "db.exec('ALTER TABLE workflows ADD COLUMN x TEXT');",
    };
    expect(offenders(Object.keys(files), (f) => files[f]!, tables)).toEqual([
      `${path.join('engine', 'entry', 'server', 'x.ts')}:3: FROM workflows`,
      `${path.join('engine', 'memory', 'y.ts')}:1: FROM workflow_events`,
      `${path.join('engine', 'memory', 'y.ts')}:1: JOIN tool_calls`,
      `${path.join('engine', 'control', 'workflow', 'orchestrator.ts')}:1: UPDATE workflows`,
    ]);
  });

  it('no engine file outside the store and the migrations runs SQL on a workflow table', () => {
    const files = sources('engine');
    expect(files.length).toBeGreaterThan(100); // the engine was read
    expect(offenders(files, (f) => fs.readFileSync(f, 'utf8'), tables)).toEqual([]);
  });
});
