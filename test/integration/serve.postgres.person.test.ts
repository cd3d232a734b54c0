// A person's decisions against the control store (issue #13): two real `serve --store` replicas (the dist build)
// on one throwaway PostgreSQL 15, and the real CLI (`answer|approve|reject --store URL`, `workflows --store`,
// `show --store`) in separate processes. Each alert's runbook asks a question (a value the planner cannot fill),
// then proposes a write, which waits for approval. Then: an answer goes on to the approval card; an approval with
// a stale input hash is refused and changes nothing; the right one is run by a replica, which goes on to the
// second write; a rejection declines a write (it never runs) and the workflow goes on to complete; two approvals
// at once record one; the CLI itself runs nothing; every hash chain verifies. No timed assertions.
// Skipped, saying why (never passed), when no PostgreSQL binaries are installed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import type { WorkflowView } from '../../engine/control/store/types';
import { tempDir } from '../helpers/tmp';
import { postgresBin } from '../support/postgres';
import { stopStarted, waitFor } from '../support/processes';
import { cli, postAlert, POSTGRES_MISSING as missing, startReplica, storeTest, usePostgres } from '../support/storeCli';

const bin = postgresBin();
if (bin === null && process.env.RBA_REQUIRE_POSTGRES === '1') {
  it('has PostgreSQL installed (RBA_REQUIRE_POSTGRES=1)', () => {
    throw new Error(missing);
  });
}

/** One read, one question (KEEP_DAYS is no label), a write that uses the answer, a second write, one verification. */
const RUNBOOK = [
  '---',
  'title: Cache full',
  'alert: CacheFull',
  '---',
  '',
  '# Cache full',
  '',
  '## Diagnosis',
  '',
  'Look at the cache folder:',
  '',
  '```sh',
  'ls cache/',
  '```',
  '',
  '## Mitigation',
  '',
  'Clear the entries older than `$KEEP_DAYS` days:',
  '',
  '```sh {"name":"clear-cache","risk":"write"}',
  'echo "cleared $ALERT_ID keep=$KEEP_DAYS" >> cleared.log',
  '```',
  '',
  'Note that the cache was looked after:',
  '',
  '```sh {"name":"note-cleared","risk":"write"}',
  'echo "noted $ALERT_ID" >> noted.log',
  '```',
  '',
  '## Verification',
  '',
  '```sh',
  'test -d cache',
  '```',
  '',
].join('\n');

const alertOf = (id: string) => ({
  alertname: 'CacheFull',
  labels: { alertname: 'CacheFull', alert_id: id, severity: 'warning' },
  annotations: { summary: `cache full ${id}` },
  startsAt: '2026-12-01T10:00:00Z',
});

describe.skipIf(bin === null)(bin === null ? `person actions with --store (SKIPPED: ${missing})` : 'person actions with --store', () => {
  const pg = usePostgres();

  it('answer, approve (bound to the input hash), reject and two approvals at once, recorded through the store and run by the replicas', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgperson-');
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'cache'));
    fs.writeFileSync(path.join(ws, 'runbooks', 'cache-full.md'), RUNBOOK);
    const cleared = path.join(ws, 'cleared.log');
    const t = storeTest({ root, ws, url: pg().url, token: 'person-store-test-token-0123456789' });
    const { url, token, env, logs, run } = t;
    const launch = (name: string) => startReplica(t, name);

    const check: PostgresControlStore = await openPostgresStore({ connectionString: url, max: 2 });
    try {
      const replicas = [await launch('replica-a'), await launch('replica-b')];
      // Writes wait for a person only above the default read-only tier (which holds them): the team's tier, in the store.
      const tier = await run(['tier', '--store', url, '--workspace', ws, 'approved-writes', '--by', 'lead']);
      expect(tier.stdout).toMatch(/: approved-writes \(in the control store postgres:\/\/rba@127\.0\.0\.1:\d+\/postgres\)/);
      expect(await check.tier(ws)).toBe('approved-writes');

      const ids = new Map<string, string>();
      for (const [i, a] of ['approve', 'reject', 'race', 'escalate', 'cancel'].entries()) {
        ids.set(a, await postAlert(replicas[i % 2]!.port, token, alertOf(a)));
      }

      const waitsFor = (id: string, kind: 'question' | 'approval', stepId?: string) =>
        waitFor(`${id} to wait for ${kind === 'question' ? 'an answer' : `an approval of ${stepId ?? 'a step'}`}`, 180_000, async () => {
          const v = await check.view(id);
          if (v && (v.state === 'COMPLETED' || v.state === 'ESCALATED')) throw new Error(`${id} settled ${v.state} (${v.reason}) instead\n${logs()}`);
          return v?.state === 'WAITING_FOR_PERSON' && v.waiting?.kind === kind && (stepId === undefined || v.waiting.stepId === stepId) ? v : null;
        }, logs);
      const settles = (id: string) =>
        waitFor(`${id} to settle`, 180_000, async () => {
          const v = await check.view(id);
          return v && (v.state === 'COMPLETED' || v.state === 'ESCALATED' || v.state === 'CANCELLED') ? v : null;
        }, logs);

      // `workflows --store` lists what the replicas share, and shows what waits.
      for (const id of ids.values()) await waitsFor(id, 'question');
      const listed = JSON.parse((await run(['workflows', '--store', url, '--json'])).stdout) as { workflows: Array<{ id: string; state: string }>; counts: Record<string, number> };
      expect(listed.workflows.map((w) => w.id).sort()).toEqual([...ids.values()].sort());
      expect(listed.counts).toEqual({ WAITING_FOR_PERSON: 5 });
      expect((await run(['workflows', '--store', url])).stdout).toMatch(/5 workflow\(s\)/);

      // Cancel one that waits; escalate another, then resolve and archive it (hidden from the list, kept in the log).
      const cancelled = ids.get('cancel')!;
      expect((await run(['cancel', '--store', url, cancelled, '--note', 'duplicate page', '--by', 'erin'])).stdout).toMatch(new RegExp(`cancellation by erin\\nnothing more runs for it[\\s\\S]*workflow ${cancelled}  CANCELLED`));
      const escalated = ids.get('escalate')!;
      await run(['escalate', '--store', url, escalated, '--note', 'needs the storage team', '--by', 'erin']);
      expect((await check.view(escalated))!.state).toBe('ESCALATED');
      expect((await run(['resolve', '--store', url, escalated, '--note', 'storage team cleared it', '--by', 'erin'])).stdout).toMatch(new RegExp(`resolution by erin\\n[\\s\\S]*workflow ${escalated}  COMPLETED`));
      const archived = JSON.parse((await run(['archive', '--store', url, escalated, '--by', 'erin', '--json'])).stdout) as { recorded: { decision: string; queued: boolean }; workflow: { state: string } };
      expect(archived).toMatchObject({ recorded: { decision: 'archive', by: 'erin', queued: false }, workflow: { state: 'COMPLETED' } });
      const shownIds = (args: string[]) => run(['workflows', '--store', url, '--json', ...args]).then((r) => (JSON.parse(r.stdout) as { workflows: Array<{ id: string }> }).workflows.map((w) => w.id));
      expect(await shownIds([])).not.toContain(escalated);
      expect(await shownIds(['--archived'])).toContain(escalated);
      // A decision that does not apply to the workflow as it is: refused, nothing recorded.
      expect((await run(['cancel', '--store', url, cancelled], 1)).stderr).toMatch(/workflow .* is CANCELLED: only a workflow that waits, failed or was escalated can be cancelled; nothing was recorded/);
      for (const a of ['cancel', 'escalate']) ids.delete(a);

      // The question: answered through the store; a replica goes on to the write, which waits for approval.
      for (const id of ids.values()) {
        const answered = await run(['answer', '--store', url, id, '7', '--by', 'alice']);
        expect(answered.stdout).toMatch(/recorded in the control store postgres:\/\/rba@127\.0\.0\.1:\d+\/postgres: answer by alice/);
        expect(answered.stdout).toMatch(/this command runs nothing itself/);
      }
      const cards = new Map<string, WorkflowView>();
      for (const [a, id] of ids) cards.set(a, await waitsFor(id, 'approval', 'clear-cache'));
      expect(fs.existsSync(cleared)).toBe(false);

      // `show --store` gives the card a person approves: the step and the hash of its exact input.
      const one = ids.get('approve')!;
      const shown = JSON.parse((await run(['show', '--store', url, one, '--json'])).stdout) as { workflow: { state: string }; waiting: { kind: string; stepId: string; inputHash: string }; next: string[]; events: unknown[] };
      expect(shown.workflow.state).toBe('WAITING_FOR_PERSON');
      expect(shown.waiting).toMatchObject({ kind: 'approval', stepId: 'clear-cache', inputHash: (cards.get('approve')!.waiting as { inputHash: string }).inputHash });
      expect(shown.next[0]).toBe(`runbook-agent approve --store ${url} ${one} clear-cache --input-hash ${shown.waiting.inputHash}`);
      expect((await run(['show', '--store', url, one])).stdout).toMatch(new RegExp(`waiting for approval: step clear-cache[\\s\\S]*input hash: ${shown.waiting.inputHash}`));

      // A stale approval (another input hash): refused with the reason, and nothing stored changes.
      const before = { view: await check.view(one), events: await check.events(one) };
      const stale = await run(['approve', '--store', url, one, 'clear-cache', '--input-hash', '0'.repeat(64), '--by', 'alice'], 1);
      expect(stale.stderr).toMatch(/step clear-cache changed since it was shown \(input hash [0-9a-f]{12}, not 000000000000\); review it again; nothing was recorded/);
      expect(await check.view(one)).toEqual(before.view);
      expect(await check.events(one)).toEqual(before.events);

      // The right approval: recorded, handed to the replicas, run by one of them, which goes on to the second write.
      const approved = await run(['approve', '--store', url, one, 'clear-cache', '--input-hash', shown.waiting.inputHash, '--by', 'alice']);
      expect(approved.stdout).toMatch(/approval by alice\n.*a `serve --store` replica carries it on from here \(this command runs nothing itself\)/);
      expect((await waitsFor(one, 'approval', 'note-cleared')).waiting).toMatchObject({ stepId: 'note-cleared' });
      expect((await check.toolCalls(one)).find((c) => c.stepId === 'clear-cache')).toMatchObject({ status: 'done', attempts: 1 });
      // Declining the second write: it never runs, and the workflow goes on to its verification and completes.
      const rejected = await run(['reject', '--store', url, one, 'note-cleared', '--reason', 'nobody reads the note', '--by', 'bob']);
      expect(rejected.stdout).toMatch(/rejection by bob/);
      const done = await settles(one);
      expect(done.state, done.reason ?? '').toBe('COMPLETED');
      expect(done.skipped?.['note-cleared']?.reason).toBe('declined by bob: nobody reads the note');
      expect(done.verification).toMatchObject([{ passed: true }]);
      expect((await check.toolCalls(one)).some((c) => c.stepId === 'note-cleared')).toBe(false);

      // Rejecting the first write: declined, never run; the workflow goes on to the next write (approved) and completes.
      const declined = ids.get('reject')!;
      await run(['reject', '--store', url, declined, 'clear-cache', '--reason', 'the cache is still needed', '--by', 'bob']);
      const next = await waitsFor(declined, 'approval', 'note-cleared');
      await run(['approve', '--store', url, declined, 'note-cleared', '--input-hash', (next.waiting as { inputHash: string }).inputHash, '--by', 'bob']);
      const after = await settles(declined);
      expect(after.state, after.reason ?? '').toBe('COMPLETED');
      expect(after.skipped?.['clear-cache']?.reason).toBe('declined by bob: the cache is still needed');
      expect((await check.toolCalls(declined)).map((c) => c.stepId)).not.toContain('clear-cache');
      expect((await check.events(declined)).filter((e) => e.type === 'rejected')).toMatchObject([{ actor: 'person', data: { stepId: 'clear-cache', note: 'the cache is still needed', by: 'bob' } }]);

      // Two people approve the same card at once, from two processes: one approval is recorded, the other refused.
      const race = ids.get('race')!;
      const hash = (cards.get('race')!.waiting as { inputHash: string }).inputHash;
      const both = await Promise.all(['carol', 'dave'].map((by) => cli(['approve', '--store', url, race, 'clear-cache', '--input-hash', hash, '--by', by], env)));
      expect(both.map((r) => r.code).sort(), JSON.stringify(both)).toEqual([0, 1]);
      expect(both.find((r) => r.code === 1)!.stderr).toMatch(/nothing was recorded/);
      const second = await waitsFor(race, 'approval', 'note-cleared');
      await run(['approve', '--store', url, race, 'note-cleared', '--input-hash', (second.waiting as { inputHash: string }).inputHash]);
      expect((await settles(race)).state).toBe('COMPLETED');
      const approvals = (await check.events(race)).filter((e) => e.type === 'approved' && (e.data as { stepId: string }).stepId === 'clear-cache');
      expect(approvals).toHaveLength(1);
      expect((approvals[0]!.data as { by: string }).by).toBe(both[0]!.code === 0 ? 'carol' : 'dave');
      expect((await check.toolCalls(race)).filter((c) => c.stepId === 'clear-cache')).toMatchObject([{ status: 'done', attempts: 1 }]);

      // The writes that ran are exactly the approved ones, each once, the first with the answer filled in.
      const lines = (file: string) => fs.readFileSync(path.join(ws, file), 'utf8').split('\n').filter(Boolean).sort();
      expect(lines('cleared.log')).toEqual(['cleared approve keep=7', 'cleared race keep=7']);
      expect(lines('noted.log')).toEqual(['noted race', 'noted reject']);

      // A URL that is not postgres:// is a usage error before anything is opened.
      const bad = await run(['approve', '--store', 'mysql://rba@127.0.0.1/x', one], 2);
      expect(bad.stderr).toMatch(/--store supports PostgreSQL only/);

      // The log: every person's decision is there as the person's, and every hash chain verifies.
      for (const id of ids.values()) {
        const people = (await check.events(id)).filter((e) => e.actor === 'person' && e.type !== 'step_done').map((e) => e.type);
        expect(people, id).toEqual(['answered', id === declined ? 'rejected' : 'approved', id === one ? 'rejected' : 'approved']);
      }
      expect((await check.events(cancelled)).filter((e) => e.actor === 'person').map((e) => e.type)).toEqual(['cancelled']);
      expect((await check.events(escalated)).filter((e) => e.actor === 'person').map((e) => e.type)).toEqual(['escalated', 'resolved', 'archived']);
      const verified = await check.verifyLog();
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
      expect(await check.queued()).toBe(0);
    } finally {
      await check.close();
      await stopStarted();
    }
  });
});
