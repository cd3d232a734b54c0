// Model planners on the store path (issue #13): two real `serve --store --llm-url … --llm-model …` replicas (the
// dist build) on one throwaway PostgreSQL 15, planning through a scripted OpenAI-compatible server
// (test/support/scriptedLlm.ts) that answers by the alert it is asked about. Then, from the store's events: a
// critical alert is planned by the model (the route and the model recorded in `planned`), and the write it
// proposes (claimed as a read) still waits for a person; an invalid plan is refused by the same validation and
// re-planned; a routine alert naming its runbook is planned by the runbook planner without asking the model; a
// model that answers HTTP 500 or malformed JSON when deciding falls back to the runbook planner's reading, with
// the reason in the `decided` event; what the model was sent is redacted. Once a person approves the write, the
// replica that settles the workflow asks the model for the summary draft: one `summary_drafted` event, only claims
// citing real observations kept; a model that fails to summarise leaves the workflow settled, the reason logged and
// recorded instead of a draft. Every hash chain verifies.
// Skipped, saying why (never passed), when no PostgreSQL binaries are installed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresControlStore } from '../../engine/control/store/postgres/store';
import { tempDir } from '../helpers/tmp';
import { postgresBin, startPostgres, type PostgresServer } from '../support/postgres';
import { start, stopStarted, waitFor } from '../support/processes';
import { POSTGRES_MISSING, startReplica, storeTest } from '../support/storeCli';
import { DECISION, PLAN, SUMMARY, ScriptedLlm, decision, goodPlan, malformedJson, observationIds, observationOf, serverError, step, summaryOf, type Behaviour, type Received } from '../support/scriptedLlm';

const bin = postgresBin();
const missing = POSTGRES_MISSING;
if (bin === null && process.env.RBA_REQUIRE_POSTGRES === '1') {
  it('has PostgreSQL installed (RBA_REQUIRE_POSTGRES=1)', () => {
    throw new Error(missing);
  });
}

const MODEL = 'scripted-7b';
const API_KEY = 'sk-store-llm-test-0123456789';
/** In the file the model's diagnostic reads: it must reach the model redacted (test/fixtures/secrets). */
const SECRET = 'Pg-Sup3r-s3cret';

/** For the routine alert: the runbook planner plans it (the alert names this file). */
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
  '```sh',
  'ls cache/',
  '```',
  '',
  '## Mitigation',
  '',
  '```sh {"name":"clear-cache","risk":"write"}',
  'echo "cleared $ALERT_ID" >> cleared.log',
  '```',
  '',
  '## Verification',
  '',
  '```sh',
  'test -d cache',
  '```',
  '',
].join('\n');

/** The model's plan: a read, a write it claims is a read (the engine's own assessment decides), a verification. */
const modelSteps = () => [
  step('read-state', 'shell', { command: 'cat state.txt' }, { sourceId: null }),
  step('flush-cache', 'shell', { command: 'echo flushed >> flushed.log' }, { phase: 'mitigate', risk: 'read', sourceId: null }),
  step('check-cache', 'shell', { command: 'test -d cache' }, { phase: 'verify', sourceId: null }),
];

const alertOf = (id: string, extra: { severity?: string; annotations?: Record<string, string> } = {}) => ({
  alertname: 'CacheFull',
  labels: { alertname: 'CacheFull', alert_id: id, severity: extra.severity ?? 'critical' },
  annotations: { summary: `cache full ${id}`, ...extra.annotations },
  startsAt: '2026-12-01T10:00:00Z',
});

/** The alert a request is about, from the alert data in its prompt (plan and decision prompts both carry it). */
function alertIdOf(r: Received): string {
  const user = r.body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const m = /"alert_id": "([\w-]+)"/.exec(user);
  if (!m) throw new Error('the prompt names no alert_id');
  return m[1]!;
}

describe.skipIf(bin === null)(bin === null ? `serve --store with a model planner (SKIPPED: ${missing})` : 'serve --store with a model planner', () => {
  let pg: PostgresServer;
  let llm: ScriptedLlm;
  beforeAll(async () => {
    pg = (await startPostgres())!;
    llm = await ScriptedLlm.start();
  }, 180_000);
  afterAll(async () => {
    await stopStarted();
    await llm?.close();
    await pg?.stop();
  });

  it('plans with the model through the same router, validation, policy and fallback as without --store', { timeout: 600_000 }, async () => {
    const root = tempDir('rba-pgllm-');
    const ws = path.join(root, 'ws');
    fs.mkdirSync(path.join(ws, 'runbooks'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'cache'));
    fs.writeFileSync(path.join(ws, 'runbooks', 'cache-full.md'), RUNBOOK);
    fs.writeFileSync(path.join(ws, 'state.txt'), `cache: 97% full\nDATABASE_URL=postgres://app:${SECRET}@db.internal:5432/app\n`);
    const t = storeTest({ root, ws, url: pg.url, token: 'llm-store-test-token-0123456789', env: { RUNBOOK_AGENT_LLM_API_KEY: API_KEY } });
    const { url, token, tokenFile, env, logs, started: all } = t;

    // The model, per alert: "invalid" first names a tool that does not exist; "fallback" and "malformed" cannot decide.
    const plans = new Map<string, number>();
    llm.always(PLAN, {
      kind: 'reply',
      reply: (r): Behaviour => {
        const id = alertIdOf(r);
        const n = (plans.get(id) ?? 0) + 1;
        plans.set(id, n);
        if (id === 'invalid' && n === 1) return goodPlan([step('wipe', 'format_disk', { device: '/dev/sda' }, { phase: 'mitigate', sourceId: null })]);
        return goodPlan(modelSteps());
      },
    });
    llm.always(DECISION, {
      kind: 'reply',
      reply: (r): Behaviour => {
        const id = alertIdOf(r);
        if (id === 'fallback') return serverError();
        if (id === 'malformed') return malformedJson();
        return decision({ notes: [`nothing to change for ${id}`] });
      },
    });
    // The summary: one claim citing what read-state showed, one citing an id no observation has; "malformed" fails.
    llm.always(SUMMARY, {
      kind: 'reply',
      reply: (r): Behaviour => {
        if (alertIdOf(r) === 'malformed') return serverError();
        return summaryOf([
          { text: 'The cache was 97% full when the diagnosis read it.', cites: [observationOf(r, 'read-state')] },
          { text: 'Someone restarted the cache by hand.', cites: ['tc:ffffffffffff'] },
        ]);
      },
    });

    const launch = (name: string) => startReplica(t, name, ['--llm-url', llm.baseUrl, '--llm-model', MODEL]);

    const check: PostgresControlStore = await openPostgresStore({ connectionString: url, max: 2 });
    try {
      // --llm-url without --llm-model is still a usage error, before anything is opened.
      const bad = start('serve-bad', process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', ws, '--db', path.join(root, 'bad.sqlite'), '--token-file', tokenFile, '--port', '0', '--store', url, '--llm-url', llm.baseUrl], env);
      expect(await bad.exited).toBe(2);
      expect(bad.log.text).toMatch(/--llm-url needs --llm-model/);

      const replicas = [await launch('replica-a'), await launch('replica-b')];
      // Writes wait for a person at this tier (the default read-only tier would refuse them outright).
      const tier = start('tier', process.execPath, ['bin/runbook-agent.js', 'tier', '--store', url, '--workspace', ws, 'approved-writes', '--by', 'lead'], env);
      expect(await tier.exited, tier.log.text).toBe(0);

      const alerts: Record<string, ReturnType<typeof alertOf>> = {
        model: alertOf('model'),
        invalid: alertOf('invalid'),
        fallback: alertOf('fallback'),
        malformed: alertOf('malformed'),
        routine: alertOf('routine', { severity: 'warning', annotations: { runbook: 'runbooks/cache-full.md' } }),
      };
      const ids = new Map<string, string>();
      for (const [i, [name, alert]] of Object.entries(alerts).entries()) {
        const r = replicas[i % 2]!;
        const res = await fetch(`http://127.0.0.1:${r.port}/alerts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(alert) });
        const body = (await res.json()) as { workflows?: string[] };
        expect(res.status, JSON.stringify(body)).toBe(200);
        ids.set(name, body.workflows![0]!);
      }

      // Every workflow gets to its write and waits there for a person.
      const waiting = new Map<string, string>();
      for (const [name, id] of ids) {
        const v = await waitFor(`${name} (${id}) to wait for an approval`, 180_000, async () => {
          const v = await check.view(id);
          if (v && (v.state === 'COMPLETED' || v.state === 'ESCALATED')) throw new Error(`${name} settled ${v.state} (${v.reason}) instead\n${logs()}`);
          return v?.state === 'WAITING_FOR_PERSON' ? v : null;
        }, logs);
        expect(v.waiting?.kind, name).toBe('approval');
        waiting.set(name, (v.waiting as { stepId: string }).stepId);
      }
      const eventsOf = async (name: string) => check.events(ids.get(name)!);
      const plannedOf = async (name: string) => {
        const planned = (await eventsOf(name)).filter((e) => e.type === 'planned');
        expect(planned, name).toHaveLength(1);
        return planned[0]!.data as { planner: string; tokens: number; plan: { steps: Array<{ id: string; risk: string }> }; trace: { model?: string; route: { choice: string; reason: string } } };
      };

      // The model planned the critical alerts: route, model and tokens are in the log, the steps are the model's.
      for (const name of ['model', 'invalid', 'fallback', 'malformed']) {
        const planned = await plannedOf(name);
        expect(planned.planner, name).toBe('routing');
        expect(planned.trace.route, name).toEqual({ choice: `fast:llm:${MODEL}`, reason: 'critical alert; no strong model configured' });
        expect(planned.trace.model, name).toBe(MODEL);
        expect(planned.tokens, name).toBe(1540);
        expect(planned.plan.steps.map((s) => s.id), name).toEqual(['read-state', 'flush-cache', 'check-cache']);
        // The write the model called a read is judged a write by the engine, and waits for a person.
        expect(waiting.get(name), name).toBe('flush-cache');
        expect((await check.toolCalls(ids.get(name)!)).map((c) => c.stepId), name).toEqual(['read-state']);
      }
      expect(fs.existsSync(path.join(ws, 'flushed.log'))).toBe(false);

      // The invalid plan was refused by the same check as without --store, and the model asked again.
      const failed = (await eventsOf('invalid')).filter((e) => e.type === 'plan_failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.data).toMatchObject({ class: 'validation', replan: true });
      expect((failed[0]!.data as { message: string }).message).toMatch(/^invalid plan: step wipe: unknown tool format_disk/);
      expect(plans.get('invalid')).toBe(2);
      expect(llm.requestsFor(PLAN).filter((r) => alertIdOf(r) === 'invalid').at(-1)!.body.messages.map((m) => m.content).join('\n')).toMatch(/unknown tool format_disk/);

      // The routine alert names its runbook: the runbook planner planned it, the model was not asked to.
      const routine = await plannedOf('routine');
      expect(routine.trace.route.choice).toBe('runbook:runbook');
      expect(plans.has('routine')).toBe(false);
      expect(waiting.get('routine')).toBe('clear-cache');
      expect(fs.existsSync(path.join(ws, 'cleared.log'))).toBe(false);

      // Decisions at the end of the diagnosis: the model's where it answered, the runbook planner's where it failed.
      const decidedOf = async (name: string) => {
        const decided = (await eventsOf(name)).filter((e) => e.type === 'decided');
        expect(decided, name).toHaveLength(1);
        return decided[0]!.data as { by: string; phase: string; notes: string[] };
      };
      for (const name of ['model', 'invalid', 'routine']) {
        const decided = await decidedOf(name);
        expect(decided, name).toMatchObject({ by: `llm:${MODEL}`, phase: 'diagnose' });
        expect(decided.notes, name).toContain(`nothing to change for ${name}`);
      }
      const fallback = await decidedOf('fallback');
      expect(fallback.by).toBe('runbook');
      expect(fallback.notes.join('\n')).toMatch(new RegExp(`model llm:${MODEL} could not decide \\(model ${MODEL} at 127\\.0\\.0\\.1:\\d+ answered HTTP 500: model runner crashed\\); the runbook planner did`));
      const malformed = await decidedOf('malformed');
      expect(malformed.notes.join('\n')).toMatch(new RegExp(`model ${MODEL} answered no usable decision \\(.*\\); the plan goes on as it stands`));

      // What the model was sent: with the API key from the environment, and the diagnostic's output redacted.
      expect(llm.received.length).toBeGreaterThan(0);
      for (const r of llm.received) {
        expect(r.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(r.body.model).toBe(MODEL);
      }
      const decisionPrompts = llm.requestsFor(DECISION).map((r) => r.body.messages.map((m) => m.content).join('\n'));
      expect(decisionPrompts.length).toBe(5);
      expect(decisionPrompts.filter((p) => p.includes('cache: 97% full')).length).toBe(4);
      for (const p of decisionPrompts) expect(p).not.toContain(SECRET);
      for (const p of all) expect(p.log.text).not.toContain(API_KEY);
      // Nothing has settled yet: no draft was asked for.
      expect(llm.requestsFor(SUMMARY)).toHaveLength(0);

      // Summary drafts on settle: a person approves the waiting write of two workflows, which then complete.
      for (const name of ['model', 'malformed']) {
        const id = ids.get(name)!;
        const hash = ((await check.view(id))!.waiting as { inputHash: string }).inputHash;
        const approve = start(`approve-${name}`, process.execPath, ['bin/runbook-agent.js', 'approve', '--store', url, id, 'flush-cache', '--input-hash', hash, '--by', 'lead'], env);
        expect(await approve.exited, approve.log.text).toBe(0);
      }
      // The plan's verification has nothing to check, so each waits for its alert to resolve; monitoring says it did.
      for (const name of ['model', 'malformed']) {
        const id = ids.get(name)!;
        await waitFor(`${name} (${id}) to wait for its alert to resolve`, 180_000, async () => {
          const v = await check.view(id);
          if (v && (v.state === 'COMPLETED' || v.state === 'ESCALATED')) throw new Error(`${name} settled ${v.state} (${v.reason}) before its alert resolved\n${logs()}`);
          return v?.state === 'VALIDATING' && v.awaitingResolution ? v : null;
        }, logs);
        const res = await fetch(`http://127.0.0.1:${replicas[0]!.port}/alerts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...alerts[name], status: 'resolved' }) });
        expect(res.status, await res.text()).toBe(200);
      }
      const draftedOf = async (name: string) => {
        const id = ids.get(name)!;
        const view = await waitFor(`${name} (${id}) to settle with a summary draft`, 180_000, async () => {
          const v = await check.view(id);
          return v && (v.state === 'COMPLETED' || v.state === 'ESCALATED') && v.summaryDraft !== undefined ? v : null;
        }, logs);
        return { view, drafted: (await eventsOf(name)).filter((e) => e.type === 'summary_drafted') };
      };
      const ok = await draftedOf('model');
      expect(ok.view.state, ok.view.reason ?? '').toBe('COMPLETED');
      expect(ok.drafted).toHaveLength(1);
      // The model was asked once, over the record read from the store; the claim citing nothing real is dropped.
      const asked = llm.requestsFor(SUMMARY).filter((r) => alertIdOf(r) === 'model');
      expect(asked).toHaveLength(1);
      const readState = observationOf(asked[0]!, 'read-state');
      expect(observationIds(asked[0]!)).toContain(readState);
      const draft = ok.view.summaryDraft as { claims: Array<{ text: string; cites: string[] }>; dropped: Array<{ text: string; why: string }>; model: string; templateVersion: string };
      expect(ok.drafted[0]!.data).toMatchObject({ draft, tokens: 1540 });
      expect(draft.claims).toEqual([{ text: 'The cache was 97% full when the diagnosis read it.', cites: [readState] }]);
      expect(draft.dropped).toEqual([{ text: 'Someone restarted the cache by hand.', why: 'cites only ids no observation has: tc:ffffffffffff' }]);
      expect(draft).toMatchObject({ model: MODEL, templateVersion: 'summary/v1' });
      expect(asked[0]!.body.messages.map((m) => m.content).join('\n')).not.toContain(SECRET);

      // A model that fails to summarise: the workflow stays settled, the replica logs why, and the log says why there is no draft.
      const failedDraft = await draftedOf('malformed');
      expect(failedDraft.view.state, failedDraft.view.reason ?? '').toBe('COMPLETED');
      expect(failedDraft.drafted).toHaveLength(1);
      expect(failedDraft.view.summaryDraft).toEqual({ error: expect.stringMatching(/answered HTTP 500: model runner crashed/) });
      expect(failedDraft.view.summaryDraft).not.toHaveProperty('claims');
      expect(replicas.map((r) => r.p.log.text).join('\n')).toMatch(new RegExp(`serve: summary draft for ${ids.get('malformed')}: .*HTTP 500: model runner crashed`));
      // The other workflows still wait for a person, undrafted.
      for (const name of ['invalid', 'fallback', 'routine']) expect((await check.view(ids.get(name)!))!.summaryDraft, name).toBeUndefined();
      // A short while later still one draft each: no other replica drafted again.
      await new Promise((r) => setTimeout(r, 1000));
      for (const name of ['model', 'malformed']) expect((await eventsOf(name)).filter((e) => e.type === 'summary_drafted'), name).toHaveLength(1);

      const verified = await check.verifyLog();
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
    } finally {
      await check.close();
      await stopStarted();
    }
  });
});
