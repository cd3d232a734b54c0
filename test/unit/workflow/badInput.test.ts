import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InvalidRequest, StorageProblem, UnknownWorkflow } from '../../../engine/control/workflow/errors';
import { verifyChain } from '../../../engine/control/store/sqlite/eventLog';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { approve, resolve } from '../../../engine/control/workflow/person';
import { showWorkflow } from '../../../engine/control/store/sqlite/query';
import { assertConsistent, fixture, scriptedTool } from './fixtures';

const count = (f: ReturnType<typeof fixture>, table: string) => (f.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('bad input', () => {
  it.each([
    ['not an object', 'hello', /invalid request: \(root\)/],
    ['missing title', { source: 's' }, /title/],
    ['empty title', { source: 's', title: '' }, /title/],
    ['unknown field', { source: 's', title: 't', command: 'rm -rf /' }, /command/],
    ['bad severity', { source: 's', title: 't', severity: 'apocalyptic' }, /severity/],
    ['labels not strings', { source: 's', title: 't', labels: { a: 1 } }, /labels\.a/],
    ['oversized body', { source: 's', title: 't', body: 'x'.repeat(20_001) }, /body/],
  ])('refuses a malformed request (%s) with the failing field, storing nothing', (_, raw, message) => {
    const f = fixture([], {});
    expect(() => intake(f.db, raw)).toThrow(InvalidRequest);
    expect(() => intake(f.db, raw)).toThrow(message);
    expect(count(f, 'workflows') + count(f, 'workflow_events') + count(f, 'tasks')).toBe(0);
  });

  it('refuses an invalid budget', () => {
    const f = fixture([], {});
    expect(() => intake(f.db, { source: 's', title: 't' }, { budget: { steps: -1 } })).toThrow(/invalid budget: steps/);
  });

  it('reports unknown workflow ids clearly', () => {
    const f = fixture([], {});
    expect(() => showWorkflow(f.db, 'no-such-id')).toThrow(UnknownWorkflow);
    expect(() => approve(f.db, 'no-such-id', 'a')).toThrow('no workflow with id "no-such-id"');
    expect(() => resolve(f.db, 'no-such-id', 'a', 'n')).toThrow(UnknownWorkflow);
    expect(count(f, 'workflow_events')).toBe(0);
  });

  it('a database locked by another process: intake fails with a clear error and nothing is half-written', async () => {
    const f = fixture([], {});
    f.start();
    f.db.pragma('busy_timeout = 100');
    const before = { workflows: count(f, 'workflows'), events: count(f, 'workflow_events') };
    const holder = spawn(
      process.execPath,
      ['-e', `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(f.file)}); db.exec('BEGIN EXCLUSIVE'); db.prepare("INSERT INTO meta (key, value) VALUES ('held', 'yes')").run(); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((ready) => holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ready()));
      let error: unknown;
      try {
        intake(f.db, { source: 's', title: 'while locked' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StorageProblem);
      expect(error).toMatchObject({ kind: 'locked', message: expect.stringMatching(/locked by another process; nothing was written/) });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.on('close', r));
    }
    expect({ workflows: count(f, 'workflows'), events: count(f, 'workflow_events') }).toEqual(before);
    f.db.pragma('busy_timeout = 5000');
    intake(f.db, { source: 's', title: 'after the lock' });
    assertConsistent(f.db);
  });

  it('a full database (max_page_count as a tiny quota): a clear error, every workflow whole, the chain intact', async () => {
    const tool = scriptedTool('noop', {}, () => ({ output: { blob: 'x'.repeat(2000) } }));
    const f = fixture([tool], { main: [{ id: 'a', tool: 'noop', input: { target: 'x' } }] });
    const pages = f.db.pragma('page_count', { simple: true }) as number;
    f.db.pragma(`max_page_count = ${pages + 40}`);
    let error: unknown;
    for (let i = 0; i < 10_000 && !error; i++) {
      try {
        intake(f.db, { source: 's', title: `t${i}`, labels: { runbook: 'main' }, body: 'y'.repeat(3000) });
        await f.orchestrator.drain();
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(StorageProblem);
    expect(error).toMatchObject({ kind: 'full', message: expect.stringMatching(/full; the change was rolled back/) });
    expect(verifyChain(f.db).ok).toBe(true);
    const created = (f.db.prepare("SELECT count(*) AS n FROM workflow_events WHERE type = 'created'").get() as { n: number }).n;
    expect(count(f, 'workflows')).toBe(created);
    assertConsistent(f.db);
  });
});
