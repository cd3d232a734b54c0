// The rest of a person's decisions against the control store (issue #13), on the same path as
// serve.postgres.person.test.ts: two real `serve --store` replicas (the dist build) on a throwaway PostgreSQL 15
// and the real CLI in separate processes. A runbook of prose gives checklist items: one is ticked done with a
// note (`tick --store`), the workflow goes on to the next, then waits for its alert; one such wait is marked
// resolved (`mark-resolved --store`), another escalated (`escalate --store`). A verification that fails
// escalates; once its file is there, `retry --store` runs it again and the workflow completes. Each action is read
// back with `show --store --json` as the person's event; each refusal exits 1, says why and records nothing; every
// hash chain verifies (the store's own verifyLog(), which `log verify --store` prints).
// Skipped, saying why (never passed), when no PostgreSQL binaries are installed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import type { WorkflowView } from '../../engine/control/store/types';
import { tempDir } from '../helpers/tmp';
import { postgresBin } from '../support/postgres';
import { stopStarted, waitFor } from '../support/processes';
import { postAlert, POSTGRES_MISSING as missing, startReplica, storeTest, usePostgres } from '../support/storeCli';

const bin = postgresBin();
if (bin === null && process.env.RBA_REQUIRE_POSTGRES === '1') {
  it('has PostgreSQL installed (RBA_REQUIRE_POSTGRES=1)', () => {
    throw new Error(missing);
  });
}

/** A read, and a verification that passes only once worker/ready exists (the test creates it between runs). */
const WORKER_RUNBOOK = [
  '---',
  'title: Worker not ready',
  'alert: WorkerNotReady',
  '---',
  '',
  '# Worker not ready',
  '',
  '## Diagnosis',
  '',
  'Look at the worker folder:',
  '',
  '```sh',
  'ls worker/',
  '```',
  '',
  '## Verification',
  '',
  '```sh {"name":"ready-flag"}',
  'test -f worker/ready',
  '```',
  '',
].join('\n');

const alertOf = (alertname: string, id: string) => ({
  alertname,
  labels: { alertname, alert_id: id, severity: 'warning' },
  annotations: { summary: `${alertname} ${id}` },
  startsAt: '2026-12-01T10:00:00Z',
});

interface Event {
  readonly type: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
}
interface Shown {
  readonly workflow: { id: string; state: string; reason: string | null };
  readonly waiting: { kind: string; stepId: string; item?: string } | null;
  readonly next: string[];
  readonly toolCalls: Array<{ stepId: string; status: string; result: unknown }>;
  readonly events: Event[];
}

describe.skipIf(bin === null)(bin === null ? `tick, retry, mark-resolved and escalate with --store (SKIPPED: ${missing})` : 'tick, retry, mark-resolved and escalate with --store', () => {
  const pg = usePostgres();

  it('ticks a checklist item, retries a failed verification, marks a wait resolved and escalates another, through the store; refusals record nothing', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgperson2-');
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'queue', 'pending'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'worker'));
    fs.writeFileSync(path.join(ws, 'queue', 'pending', 'job-1'), 'job=1\n');
    // One command and two prose instructions (each a checklist item), no verification: it waits for the alert.
    fs.copyFileSync(path.resolve('test/fixtures/queue-stuck/queue-stuck.md'), path.join(ws, 'runbooks', 'queue-stuck.md'));
    fs.writeFileSync(path.join(ws, 'runbooks', 'worker-not-ready.md'), WORKER_RUNBOOK);
    const t = storeTest({ root, ws, url: pg().url, token: 'person-more-store-test-token-0123456789' });
    const { url, token, logs, run } = t;
    const show = async (id: string) => JSON.parse((await run(['show', '--store', url, id, '--json'])).stdout) as Shown;
    // What a person's command recorded (the replica's step_done for a ticked item is also the person's: left out).
    const byPerson = (s: Shown) => s.events.filter((e) => e.actor === 'person' && e.type !== 'step_done');

    const check: PostgresControlStore = await openPostgresStore({ connectionString: url, max: 2 });
    try {
      const replicas = [await startReplica(t, 'replica-a'), await startReplica(t, 'replica-b')];
      const ticked = await postAlert(replicas[0]!.port, token, alertOf('DemoQueueStuck', 'tick'));
      const escalated = await postAlert(replicas[1]!.port, token, alertOf('DemoQueueStuck', 'escalate'));
      const retried = await postAlert(replicas[0]!.port, token, alertOf('WorkerNotReady', 'retry'));

      const until = (id: string, what: string, ok: (v: WorkflowView) => boolean) =>
        waitFor(`${id} to ${what}`, 180_000, async () => {
          const v = await check.view(id);
          if (v && !ok(v) && ['COMPLETED', 'ESCALATED', 'CANCELLED'].includes(v.state)) throw new Error(`${id} settled ${v.state} (${v.reason}) instead of ${what}\n${logs()}`);
          return v && ok(v) ? v : null;
        }, logs);
      const waitsOnItem = (id: string, stepId: string) => until(id, `wait on checklist item ${stepId}`, (v) => v.state === 'WAITING_FOR_PERSON' && v.waiting?.kind === 'checklist' && v.waiting.stepId === stepId);
      const awaitsAlert = (id: string) => until(id, 'wait for its alert to resolve', (v) => v.state === 'VALIDATING' && v.awaitingResolution !== null);
      /** A refused decision: exit 1, the reason, and nothing in the store changed. */
      const refused = async (args: string[], id: string, message: RegExp) => {
        const before = { view: await check.view(id), events: await check.events(id) };
        const r = await run(args, 1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toMatch(/nothing was recorded/);
        expect(await check.view(id)).toEqual(before.view);
        expect(await check.events(id)).toEqual(before.events);
      };

      // ---- tick: the first checklist item, done with a note; the workflow goes on to the next item ----
      await waitsOnItem(ticked, 'todo-diagnose-1');
      let shown = await show(ticked);
      expect(shown.waiting).toMatchObject({ kind: 'checklist', stepId: 'todo-diagnose-1', item: 'Check the worker dashboard for errors before you touch the queue.' });
      expect(shown.next).toEqual([`runbook-agent tick --store ${url} ${ticked} done --note "WHAT YOU DID"`, `runbook-agent tick --store ${url} ${ticked} skipped --note "WHY NOT"`]);
      expect((await run(['tick', '--store', url, ticked, 'maybe'], 2)).stderr).toMatch(/the outcome is 'done' or 'skipped', not 'maybe'/);
      const tick = await run(['tick', '--store', url, ticked, 'done', '--note', 'dashboard is clean', '--by', 'ana']);
      expect(tick.stdout).toMatch(/recorded in the control store postgres:\/\/rba@127\.0\.0\.1:\d+\/postgres: tick by ana\n.*a `serve --store` replica carries it on from here \(this command runs nothing itself\)/);
      await waitsOnItem(ticked, 'todo-mitigate-2');
      shown = await show(ticked);
      expect(byPerson(shown).filter((e) => e.type === 'ticked')).toMatchObject([{ data: { stepId: 'todo-diagnose-1', outcome: 'done', note: 'dashboard is clean', by: 'ana' } }]);
      // The replica carried it on: the tick is the item's result, recorded as the person's.
      expect(shown.toolCalls.find((c) => c.stepId === 'todo-diagnose-1')).toMatchObject({ status: 'done' });
      expect(shown.events.find((e) => e.type === 'step_done' && e.data.stepId === 'todo-diagnose-1')).toMatchObject({ actor: 'person' });
      // The second item skipped: no verification step, so it waits for the alert to resolve.
      await run(['tick', '--store', url, ticked, 'skipped', '--note', 'the team is asleep', '--by', 'ana']);
      await awaitsAlert(ticked);
      shown = await show(ticked);
      expect(shown.next).toEqual([`runbook-agent mark-resolved --store ${url} ${ticked} --note "HOW YOU KNOW"`, `runbook-agent escalate --store ${url} ${ticked} --note "WHY"`]);
      // Nothing to tick while it waits for the alert, and a retry applies only once it waits for a person or settled.
      await refused(['tick', '--store', url, ticked, 'done'], ticked, new RegExp(`workflow ${ticked} is VALIDATING in the control store: the tick does not apply to it now`));
      await refused(['retry', '--store', url, ticked, 'diagnosis-1'], ticked, new RegExp(`workflow ${ticked} is VALIDATING: it can be retried once it waits, was escalated or cancelled, or completed`));

      // ---- mark-resolved: the wait for the alert ends, by the person's word ----
      const resolved = await run(['mark-resolved', '--store', url, ticked, '--note', 'queue drained', '--by', 'ana']);
      expect(resolved.stdout).toMatch(new RegExp(`mark-resolved by ana\\nnothing more runs for it[\\s\\S]*workflow ${ticked}  COMPLETED`));
      shown = await show(ticked);
      expect(shown.workflow.state).toBe('COMPLETED');
      expect(byPerson(shown).map((e) => [e.type, e.data.outcome ?? null])).toEqual([['ticked', 'done'], ['ticked', 'skipped'], ['completed', null]]);
      expect(byPerson(shown).at(-1)).toMatchObject({ type: 'completed', data: { verifiedBy: 'ana: queue drained', by: 'ana' } });
      expect(byPerson(shown)[1]!.data).toMatchObject({ stepId: 'todo-mitigate-2', note: 'the team is asleep', by: 'ana' });
      expect(shown.toolCalls.find((c) => c.stepId === 'todo-mitigate-2')).toMatchObject({ status: 'done', result: { outcome: 'skipped' } });
      await refused(['mark-resolved', '--store', url, ticked], ticked, new RegExp(`workflow ${ticked} is COMPLETED, not waiting for its alert to resolve`));

      // ---- escalate: another wait for the alert, escalated now instead ----
      await waitsOnItem(escalated, 'todo-diagnose-1');
      await run(['tick', '--store', url, escalated, 'done']);
      await waitsOnItem(escalated, 'todo-mitigate-2');
      await run(['tick', '--store', url, escalated, 'done']);
      await awaitsAlert(escalated);
      const escalation = await run(['escalate', '--store', url, escalated, '--note', 'paging the queue owners', '--by', 'erin', '--json']);
      expect(JSON.parse(escalation.stdout)).toMatchObject({ recorded: { decision: 'escalate', by: 'erin', queued: false }, workflow: { state: 'ESCALATED', reason: 'escalated by erin: paging the queue owners' } });
      shown = await show(escalated);
      expect(shown.workflow).toMatchObject({ state: 'ESCALATED', reason: 'escalated by erin: paging the queue owners' });
      expect(byPerson(shown).map((e) => e.type)).toEqual(['ticked', 'ticked', 'escalated']);
      expect(byPerson(shown).at(-1)!.data).toMatchObject({ by: 'erin' });
      await refused(['escalate', '--store', url, escalated, '--note', 'again'], escalated, new RegExp(`workflow ${escalated} is ESCALATED in the control store: the escalation does not apply to it now`));
      await refused(['mark-resolved', '--store', url, escalated], escalated, new RegExp(`workflow ${escalated} is ESCALATED, not waiting for its alert to resolve`));

      // ---- retry: the verification failed (no worker/ready yet); run again from it once the file is there ----
      const failed = await until(retried, 'escalate on its verification', (v) => v.state === 'ESCALATED');
      expect(failed.reason).toMatch(/^not verified: ready-flag: /);
      expect((await check.toolCalls(retried)).filter((c) => c.stepId === 'ready-flag')).toMatchObject([{ status: 'done', result: { exitCode: 1 } }]);
      // A workflow with no checklist item has nothing to tick; a step it does not have cannot be retried.
      await refused(['tick', '--store', url, retried, 'done'], retried, new RegExp(`workflow ${retried} is ESCALATED in the control store: the tick does not apply to it now`));
      await refused(['retry', '--store', url, retried, 'no-such-step'], retried, new RegExp(`workflow ${retried} has no step no-such-step`));
      fs.writeFileSync(path.join(ws, 'worker', 'ready'), '');
      const retry = await run(['retry', '--store', url, retried, 'ready-flag', '--by', 'ana']);
      expect(retry.stdout).toMatch(/retry by ana\n.*a `serve --store` replica carries it on from here/);
      const done = await until(retried, 'complete after the retry', (v) => v.state === 'COMPLETED');
      expect(done.verification).toMatchObject([{ stepId: 'ready-flag', passed: true }]);
      shown = await show(retried);
      expect(shown.workflow.state).toBe('COMPLETED');
      expect(byPerson(shown)).toMatchObject([{ type: 'retried', data: { stepId: 'ready-flag', by: 'ana' } }]);
      // A new generation of calls: the step ran again (exit 0); the diagnostic before it did not.
      expect(shown.toolCalls.filter((c) => c.stepId === 'ready-flag').map((c) => (c.result as { exitCode: number }).exitCode).sort()).toEqual([0, 1]);
      expect(shown.toolCalls.filter((c) => c.stepId !== 'ready-flag' && c.status === 'done')).toHaveLength(1);

      // Every hash chain verifies, and nothing is left on the queue.
      const verified = await check.verifyLog();
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
      expect(await check.queued()).toBe(0);
    } finally {
      await check.close();
      await stopStarted();
    }
  });
});
