// Incident memory on the control store: two real `serve --store` replicas (the dist build) on one throwaway
// PostgreSQL, and the real CLI. An alert settles on the first replica, which remembers it in the store; the first
// stops, and the same alert again, run by the second replica, gets "Last time" from that memory in its plan (and
// its view's recall). `memory list|show --store` read it, `memory forget --store` removes it (an unknown id keeps its
// clear error), a later alert no longer recalls it, and `log verify --store` still passes with the forget logged.
// Skipped, saying why (never passed), when no PostgreSQL binaries are installed. Runs the dist build: the root
// test config (or `node scripts/build.mjs`) builds it first.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import { FORGOTTEN_EVENT, memoryIdOf } from '../../engine/memory/incidents/incident';
import { tempDir } from '../helpers/tmp';
import { postgresBin } from '../support/postgres';
import { stopStarted, waitFor, type Started } from '../support/processes';
import { postAlert, POSTGRES_MISSING as missing, startReplica, storeTest, usePostgres } from '../support/storeCli';

const bin = postgresBin();
if (bin === null && process.env.RBA_REQUIRE_POSTGRES === '1') {
  it('has PostgreSQL installed (RBA_REQUIRE_POSTGRES=1)', () => {
    throw new Error(missing);
  });
}

/** Reads only: a diagnostic with the alert's service label and a verification; it completes on its own. */
const FENCE = '```';
const RUNBOOK = `---
title: Cache full
alert: CacheFull
---

# Cache full

## Diagnosis

Look at the service's cache folder:

${FENCE}sh
ls cache/$SERVICE
${FENCE}

## Verification

${FENCE}sh
test -d cache
${FENCE}
`;

const alertOf = (id: string) => ({
  alertname: 'CacheFull',
  labels: { alertname: 'CacheFull', service: 'api', alert_id: id, severity: 'warning' },
  annotations: { summary: `cache full ${id}` },
  startsAt: '2026-12-01T10:00:00Z',
});

describe.skipIf(bin === null)(bin === null ? `incident memory with --store (SKIPPED: ${missing})` : 'incident memory with --store', () => {
  const pg = usePostgres();

  it('remembers on one replica, recalls on the other, lists, shows and forgets through the store; the log still verifies', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgmemory-');
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'cache', 'api'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'cache', 'api', 'entry'), 'x');
    fs.writeFileSync(path.join(ws, 'runbooks', 'cache-full.md'), RUNBOOK);
    const t = storeTest({ root, ws, url: pg().url, token: 'memory-store-test-token-0123456789' });
    const { url, token, logs, run } = t;
    /** SIGTERM, and the exit: serve waits for its workers and its work after a settle (memory) first. */
    const stop = async (p: Started) => {
      p.child.kill('SIGTERM');
      expect(await p.exited, p.log.text).toBe(0);
    };

    const check: PostgresControlStore = await openPostgresStore({ connectionString: url, max: 2 });
    const settles = (id: string) =>
      waitFor(`${id} to settle`, 180_000, async () => {
        const v = await check.view(id);
        if (v?.state === 'WAITING_FOR_PERSON') throw new Error(`${id} waits for a person (${v.reason}) instead\n${logs()}`);
        return v && (v.state === 'COMPLETED' || v.state === 'ESCALATED' || v.state === 'CANCELLED') ? v : null;
      }, logs);
    const planned = (id: string) =>
      waitFor(`${id} to be planned`, 180_000, async () => {
        const v = await check.view(id);
        return v?.plan ? v : null;
      }, logs);
    try {
      // The first alert settles on replica A, which remembers it in the store (not in its own file).
      const a = await startReplica(t, 'replica-a');
      const first = await postAlert(a.port, token, alertOf('one'));
      expect((await settles(first)).state, logs()).toBe('COMPLETED');
      const remembered = await waitFor(`the memory of ${first}`, 60_000, () => check.getMemory(first), logs);
      expect(remembered).toMatchObject({ id: memoryIdOf(first), workspace: ws, memory: { workflowId: first, alertname: 'CacheFull', labels: { alertname: 'CacheFull', service: 'api' }, state: 'COMPLETED', runbook: 'runbooks/cache-full.md' } });
      expect(fs.existsSync(path.join(root, 'replica-a', 'engine.sqlite'))).toBe(true);

      // Replica B alone runs the same alert again: "Last time" comes from A's memory, through the store.
      const b = await startReplica(t, 'replica-b');
      await stop(a.p);
      const second = await postAlert(b.port, token, alertOf('two'));
      const plan = (await planned(second)).plan!;
      expect(plan.summary, logs()).toContain(`Last time (workflow ${first}): cache full one`);
      await settles(second);
      await waitFor(`the memory of ${second}`, 60_000, () => check.getMemory(second), logs);

      // The CLI reads the team's memories from the store.
      const listed = JSON.parse((await run(['memory', 'list', '--store', url, '--workspace', ws, '--json'])).stdout) as { memories: Array<{ id: string; workflowId: string; workspace: string }> };
      expect(listed.memories.map((m) => [m.id, m.workspace])).toEqual([
        [memoryIdOf(second), ws],
        [memoryIdOf(first), ws],
      ]);
      expect((await run(['memory', 'list', '--store', url])).stdout).toMatch(new RegExp(`^${memoryIdOf(first)}  \\S+  completed  cache full one \\(alertname=CacheFull, service=api\\)`, 'm'));
      expect((await run(['memory', 'show', '--store', url, first])).stdout).toMatch(/^# Incident: cache full one/);

      // Forget: gone from the store, logged (who, which workflow; not the content), and an unknown id is an error.
      const forgot = JSON.parse((await run(['memory', 'forget', '--store', url, memoryIdOf(first), '--by', 'ana', '--json'])).stdout) as { forgotten: { id: string; workflowId: string; seq: number } };
      expect(forgot.forgotten).toMatchObject({ id: memoryIdOf(first), workflowId: first });
      expect(await check.getMemory(first)).toBeNull();
      for (const args of [['forget', memoryIdOf(first)], ['show', 'mem-no-such']]) {
        const refused = await run(['memory', ...args, '--store', url], 1);
        expect(refused.stderr).toMatch(/no incident memory (mem-[\w-]+) \(runbook-agent memory list shows them\)/);
      }
      const exported = [];
      for await (const e of check.exportLog(Date.now())) if (e.type === FORGOTTEN_EVENT) exported.push(e);
      expect(exported.map((e) => [e.chain, e.workflowId, e.actor, e.data])).toEqual([['~memory', null, 'person', { memoryId: memoryIdOf(first), workflowId: first, workspace: ws, by: 'ana' }]]);
      // Catch-up never brings it back.
      expect(JSON.parse((await run(['memory', 'list', '--store', url, '--json'])).stdout).memories.map((m: { id: string }) => m.id)).toEqual([memoryIdOf(second)]);

      // A later alert recalls the second incident only, never the forgotten one.
      const third = await postAlert(b.port, token, alertOf('three'));
      const later = (await planned(third)).plan!;
      expect(later.summary, logs()).toContain(`Last time (workflow ${second}): cache full two`);
      expect(later.summary).not.toContain(first);
      await settles(third);
      await stop(b.p);

      const verified = JSON.parse((await run(['log', 'verify', '--store', url, '--json'])).stdout) as { ok: boolean; chains: number };
      expect(verified).toMatchObject({ ok: true });
      expect(await check.verifyLog()).toMatchObject({ ok: true, problem: null });
    } finally {
      await check.close();
      await stopStarted();
    }
  });
});
