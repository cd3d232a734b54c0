import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../engine/control/db/open';
import { harnessTools, HARNESS_RUNBOOKS } from '../../harness/crash/tools';
import { intake } from '../../../engine/control/store/sqlite/intake';
import { setKillSwitch } from '../../../engine/control/store/sqlite/killSwitch';
import { Orchestrator } from '../../../engine/control/workflow/orchestrator';
import { SqliteControlStore } from '../../../engine/control/store/sqlite/store';
import { FixedPlanner } from '../../../engine/control/workflow/planner';
import { WorkflowDetail, WorkflowSummary, ChainVerification } from '../../../protocol/workflow';
import { tempDir } from '../../helpers/tmp';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.resolve('dist/cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, XDG_DATA_HOME: tempDir('rba-xdg-') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A database with real workflows run by the real orchestrator and real shell tools. */
async function populated(): Promise<{ file: string; ids: string[] }> {
  const dir = tempDir('rba-cli-');
  const file = path.join(dir, 'engine.sqlite');
  const db = openDatabase(file);
  const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools: harnessTools(dir), planner: new FixedPlanner(HARNESS_RUNBOOKS) });
  const ids = ['a', 'b'].map((host) => intake(db, { source: 'test', title: `disk full on ${host}`, labels: { runbook: 'crash', host } }).workflow.id);
  await orchestrator.drain();
  setKillSwitch(db, 'shell', true, 'ops', 'maintenance', Date.now());
  db.close();
  return { file, ids };
}

describe('workflow CLI', () => {
  it('workflows --json lists workflows, breakers and kill switches', async () => {
    const { file, ids } = await populated();
    const r = cli('workflows', '--db', file, '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as { counts: Record<string, number>; workflows: unknown[]; killSwitches: Array<{ name: string; engaged: boolean }> };
    expect(body.counts).toEqual({ COMPLETED: 2 });
    expect(body.workflows.map((w) => WorkflowSummary.parse(w).id).sort()).toEqual([...ids].sort());
    expect(body.killSwitches).toEqual([{ name: 'shell', engaged: true, changedBy: 'ops', reason: 'maintenance' }]);
  });

  it('show ID --json gives states, tool calls and events; an unknown id exits 1', async () => {
    const { file, ids } = await populated();
    const r = cli('show', ids[0]!, '--db', file, '--json');
    expect(r.code).toBe(0);
    const detail = WorkflowDetail.parse(JSON.parse(r.out));
    expect(detail.workflow.state).toBe('COMPLETED');
    expect(detail.toolCalls.map((c) => `${c.stepId}:${c.status}`)).toEqual(['check:done', 'append-1:done', 'mark:done', 'append-2:done']);
    expect(detail.events[0]).toMatchObject({ type: 'created', to: 'RECEIVED', actor: 'engine', attempt: 1 });
    const missing = cli('show', 'nope', '--db', file, '--json');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no workflow with id "nope"/);
  });

  it('log verify exits 0 on an intact chain and 1 once an event is edited', async () => {
    const { file } = await populated();
    const ok = cli('log', 'verify', '--db', file, '--json');
    expect(ok.code).toBe(0);
    expect(ChainVerification.parse(JSON.parse(ok.out))).toMatchObject({ ok: true });
    const raw = new Database(file);
    raw.exec("DROP TRIGGER workflow_events_no_update; UPDATE workflow_events SET actor = 'person' WHERE seq = 2");
    raw.close();
    const broken = cli('log', 'verify', '--db', file);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/event log BROKEN at event 2: event 2 was edited/);
  });

  it('refuses bad arguments and missing databases clearly', () => {
    const dir = tempDir('rba-cli-');
    expect(cli('log', 'frobnicate', '--db', path.join(dir, 'x.sqlite'))).toMatchObject({ code: 2, err: expect.stringMatching(/unknown log action 'frobnicate'/) });
    expect(cli('workflows', '--db', path.join(dir, 'missing.sqlite'), '--json')).toMatchObject({ code: 1, err: expect.stringMatching(/no database at/) });
    expect(cli('workflows', '--state', 'DONE', '--db', path.join(dir, 'x.sqlite'))).toMatchObject({ code: 2, err: expect.stringMatching(/--state must be one of/) });
    expect(cli('show')).toMatchObject({ code: 2 });
  });

  it('kill-switch turns a switch on from another process, records it in the log, and refuses bad names', async () => {
    const { file } = await populated();
    expect(cli('kill-switch', 'writes', 'on', '--reason', 'change freeze', '--by', 'erin', '--db', file)).toMatchObject({ code: 0, out: expect.stringMatching(/writes is on/) });
    const body = JSON.parse(cli('workflows', '--db', file, '--json').out) as { killSwitches: Array<{ name: string; engaged: boolean }> };
    expect(body.killSwitches.find((k) => k.name === 'writes')).toMatchObject({ engaged: true, changedBy: 'erin', reason: 'change freeze' });
    const raw = new Database(file, { readonly: true });
    const last = raw.prepare("SELECT data FROM workflow_events WHERE type = 'kill_switch' ORDER BY seq DESC LIMIT 1").get() as { data: string };
    raw.close();
    expect(JSON.parse(last.data)).toMatchObject({ name: 'writes', engaged: true, by: 'erin' });
    expect(cli('log', 'verify', '--db', file).code).toBe(0);
    expect(cli('kill-switch', 'files', 'on', '--reason', 'x', '--db', file)).toMatchObject({ code: 2, err: expect.stringMatching(/must be one of writes, network, shell/) });
    expect(cli('kill-switch', 'writes', 'on', '--db', file)).toMatchObject({ code: 2, err: expect.stringMatching(/--reason is required/) });
  });

  it('approve and resolve: a person acts on waiting and escalated workflows; illegal moves exit 1', async () => {
    const dir = tempDir('rba-cli-');
    const file = path.join(dir, 'engine.sqlite');
    const db = openDatabase(file);
    const tools = harnessTools(dir);
    const books = { gated: [{ id: 'w', tool: 'append_line', input: { target: 'x' }, approval: true }], check: [{ id: 'c', tool: 'check_status', input: { target: 'x' }, expect: 'never' }] };
    const orchestrator = new Orchestrator({ store: new SqliteControlStore(db), tools, planner: new FixedPlanner(books), maxReplans: 0 });
    const gated = intake(db, { source: 't', title: 'needs approval', labels: { runbook: 'gated' } }).workflow.id;
    const failing = intake(db, { source: 't', title: 'fails validation', labels: { runbook: 'check' } }).workflow.id;
    await orchestrator.drain();
    db.close();
    expect(cli('resolve', gated, '--note', 'x', '--db', file)).toMatchObject({ code: 1, err: expect.stringMatching(/illegal workflow transition WAITING_FOR_PERSON -> COMPLETED/) });
    // A workflow without a workspace is only recorded as approved: the engine that owns it carries it on.
    const approved = cli('approve', gated, '--by', 'fay', '--db', file);
    expect(approved).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^workflow ${gated}  EXECUTING`)) });
    expect(cli('resolve', failing, '--db', file)).toMatchObject({ code: 2, err: expect.stringMatching(/--note is required/) });
    expect(cli('resolve', failing, '--note', 'checked the host by hand', '--db', file)).toMatchObject({ code: 0, out: `${failing} COMPLETED\n` });
    expect(cli('approve', 'nope', '--db', file)).toMatchObject({ code: 1, err: expect.stringMatching(/no workflow with id "nope"/) });
    const detail = WorkflowDetail.parse(JSON.parse(cli('show', gated, '--db', file, '--json').out));
    expect(detail.events.at(-1)).toMatchObject({ type: 'approved', actor: 'person', to: 'EXECUTING', data: { by: 'fay' } });
    expect(cli('log', 'verify', '--db', file).code).toBe(0);
  });
});
