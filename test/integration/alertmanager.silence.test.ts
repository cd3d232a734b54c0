// Alertmanager write-back against Debian's real prometheus-alertmanager (API v2), on a free loopback port with
// its data in a temporary folder: the alertmanager_silence tool creates a silence that Alertmanager holds as
// given (active, equality matchers equal to the labels, the comment naming the workflow) and that silences a
// matching alert; expireSilence ends it. Then the whole story in process (Agent, orchestrator, runbook planner,
// SQLite): the demo alert's plan offers the silence before its first mitigation write, a person approves it, it
// is active while the mitigation waits, and it is expired (and the expiry logged) when the workflow completes; a
// cancelled workflow's silence is expired too.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../engine/entry/agent/agent';
import { panelView } from '../../engine/entry/agent/panelView';
import { SILENCE_EXPIRED_EVENT } from '../../engine/entry/agent/silences';
import { normalizeAlertText } from '../../engine/control/alert';
import { openDatabase, type Db } from '../../engine/control/db/open';
import { SILENCE_STEP_ID } from '../../engine/planning/runbook/silence';
import { setTier } from '../../engine/control/store/sqlite/tiers';
import { alertmanagerSilenceTool, expireSilence, type SilenceOutput } from '../../engine/execution/tools/alertmanager';
import { TOOL } from '../../engine/execution/tools/names';
import { eventsOf, verifyChain } from '../../engine/control/store/sqlite/eventLog';
import { answer, approve, cancel, reject } from '../../engine/control/workflow/person';
import { tempDir } from '../helpers/tmp';
import { PROGRAMS, freePort, logsOf, startAlertmanager, stopStarted, waitFor, type Started } from '../support/processes';

const missing = !fs.existsSync(PROGRAMS.alertmanager);

interface Gettable {
  id: string;
  status: { state: string };
  matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual?: boolean }>;
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

let am: { base: string; process: Started };
const open: Array<{ agent: Agent; db: Db }> = [];

beforeAll(async () => {
  if (missing) return;
  // Not tempDir: that one is removed after each test, and Alertmanager keeps its data here for all of them.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-am-'));
  const tokenFile = path.join(root, 'token');
  fs.writeFileSync(tokenFile, 'not-used-by-this-test');
  const port = await freePort();
  // Its webhook goes nowhere (port 9 on loopback): these tests only write and read silences.
  const process = startAlertmanager(root, port, 'http://127.0.0.1:9/webhook', tokenFile);
  const base = `http://127.0.0.1:${port}`;
  await waitFor('alertmanager to be ready', 30_000, async () => ((await fetch(`${base}/-/ready`).catch(() => null))?.ok ? true : null), () => logsOf([process]));
  am = { base, process };
  return async () => {
    await stopStarted();
    fs.rmSync(root, { recursive: true, force: true });
  };
}, 60_000);

afterEach(async () => {
  for (const { agent, db } of open.splice(0)) {
    await agent.close();
    db.close();
  }
});

async function silences(): Promise<Gettable[]> {
  const response = await fetch(`${am.base}/api/v2/silences`);
  expect(response.status).toBe(200);
  return (await response.json()) as Gettable[];
}
const silence = async (id: string) => (await silences()).find((s) => s.id === id);

describe.skipIf(missing)(`alertmanager_silence against Debian's prometheus-alertmanager${missing ? ' (skipped: not installed; run scripts/setup-monitoring.sh)' : ''}`, () => {
  it('creates a silence Alertmanager holds as given, which silences the alert; a re-run finds it; expiring it ends it', { timeout: 60_000 }, async () => {
    const tool = alertmanagerSilenceTool({ alertmanagerUrl: am.base });
    const labels = { alertname: 'DiskFull', instance: 'db-1:9100', note: 'a "quoted" value with spaces' };
    const input = tool.input.parse({ matchers: Object.entries(labels).map(([name, value]) => ({ name, value })), durationMinutes: 30, comment: 'while the disk is cleaned (runbook-agent: workflow wf-am-1)' });
    const call = { key: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', workflowId: 'wf-am-1', stepId: SILENCE_STEP_ID };
    const out = (await tool.run(input, AbortSignal.timeout(10_000), call)).output as SilenceOutput;
    expect(out.silenceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.url).toBe(`${am.base}/#/silences/${out.silenceId}`);
    expect(out.text).toContain(out.url);

    const held = await silence(out.silenceId);
    expect(held, JSON.stringify(await silences())).toBeDefined();
    expect(held!.status.state).toBe('active');
    expect(held!.createdBy).toBe('runbook-agent');
    expect(held!.comment).toContain('runbook-agent: workflow wf-am-1');
    expect(held!.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      Object.entries(labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    );
    const minutes = (Date.parse(held!.endsAt) - Date.parse(held!.startsAt)) / 60_000;
    expect(minutes).toBeGreaterThan(29.9);
    expect(minutes).toBeLessThan(30.1);

    // An alert with these labels (and one more) is silenced by it; one with another instance is not.
    const post = await fetch(`${am.base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { ...labels, severity: 'critical' } }, { labels: { ...labels, instance: 'db-2:9100' } }]),
    });
    expect(post.status).toBe(200);
    const states = await waitFor('the alerts to be processed', 10_000, async () => {
      const alerts = (await (await fetch(`${am.base}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; status: { state: string; silencedBy: string[] } }>;
      const by = new Map(alerts.map((a) => [a.labels.instance, a.status]));
      return by.get('db-1:9100')?.state === 'suppressed' && by.get('db-2:9100')?.state === 'active' ? by : null;
    }, () => logsOf([am.process]));
    expect(states.get('db-1:9100')!.silencedBy).toEqual([out.silenceId]);

    // Run again for the same call (a crash after the POST): the same silence, not a second one.
    const again = (await tool.run(input, AbortSignal.timeout(10_000), call)).output as SilenceOutput;
    expect(again.silenceId).toBe(out.silenceId);
    expect((await silences()).filter((s) => s.comment.includes('wf-am-1'))).toHaveLength(1);

    expect(await expireSilence(am.base, out.silenceId, AbortSignal.timeout(10_000))).toEqual({ outcome: 'expired' });
    expect((await silence(out.silenceId))!.status.state).toBe('expired');
    // Expiring it again (0.25 answers 200 and changes nothing), or one Alertmanager never had, is no failure.
    expect(['expired', 'gone']).toContain((await expireSilence(am.base, out.silenceId, AbortSignal.timeout(10_000))).outcome);
    expect((await silence(out.silenceId))!.status.state).toBe('expired');
    expect((await expireSilence(am.base, '00000000-0000-4000-8000-000000000000', AbortSignal.timeout(10_000))).outcome).toBe('gone');
  });

  it('a label value that is not plain text never reaches Alertmanager', async () => {
    const tool = alertmanagerSilenceTool({ alertmanagerUrl: am.base });
    const bad = tool.input.safeParse({ matchers: [{ name: 'alertname', value: 'x\ny' }], comment: 'c' });
    expect(bad.success).toBe(false);
  });
});

describe.skipIf(missing)('a workflow silences its alert after approval and expires the silence when it settles', () => {
  function demo() {
    const root = tempDir('rba-am-wf-');
    const workspace = path.join(root, 'ws');
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    const db = openDatabase(path.join(root, 'engine.sqlite'));
    const logs: string[] = [];
    const agent = new Agent({ db, workspace, modelDir: null, alertmanagerUrl: am.base, log: (m) => logs.push(m) });
    open.push({ agent, db });
    setTier(db, workspace, 'approved-writes', 'ana', Date.now());
    spawnSync('/bin/sh', ['-c', 'sh bin/simulate.sh fill-logs'], { cwd: workspace });
    const alert = JSON.parse(fs.readFileSync(path.join(workspace, 'alerts/log-volume-filling-up.json'), 'utf8')) as { alerts: Array<{ startsAt: string }> };
    const fire = async (startsAt: string) => {
      const copy = structuredClone(alert);
      copy.alerts[0]!.startsAt = startsAt;
      const [w] = agent.start(normalizeAlertText(JSON.stringify(copy)));
      await agent.runUntilIdle();
      return w!.id;
    };
    const silenceCall = (id: string) => {
      const row = db.prepare("SELECT result FROM tool_calls WHERE workflow_id = ? AND tool = ? AND status = 'done'").get(id, TOOL.alertmanagerSilence) as { result: string } | undefined;
      return row ? (JSON.parse(row.result) as SilenceOutput) : undefined;
    };
    const expiries = (id: string) => eventsOf(db, id).filter((e) => e.type === SILENCE_EXPIRED_EVENT).map((e) => e.data as Record<string, unknown>);
    return { db, agent, workspace, fire, silenceCall, expiries, logs };
  }

  it('approve -> active while the mitigation waits; completed -> expired, and the log says so', { timeout: 120_000 }, async () => {
    const d = demo();
    const id = await d.fire('2026-12-01T03:00:00Z');
    const plan = d.agent.view(id)!.plan!;
    const ids = plan.steps.map((s) => s.id);
    const at = ids.indexOf(SILENCE_STEP_ID);
    expect(at, ids.join(', ')).toBeGreaterThan(-1);
    const firstWrite = plan.steps.findIndex((s) => s.phase === 'mitigate' && s.risk === 'write' && s.id !== SILENCE_STEP_ID);
    expect(at).toBe(firstWrite - 1);
    const step = plan.steps[at]!;
    expect(step).toMatchObject({ tool: TOOL.alertmanagerSilence, risk: 'write', phase: 'mitigate' });
    expect(step.input).toMatchObject({ durationMinutes: 60, matchers: [{ name: 'alertname', value: 'DemoLogVolumeFillingUp' }, { name: 'service', value: 'checkout' }, { name: 'severity', value: 'warning' }, { name: 'threshold_mb', value: '10' }] });
    expect((step.input as { comment: string }).comment).toContain(`runbook-agent: workflow ${id}`);

    // The silence is a write: it waits for a person like the mitigation does, and nothing was written yet.
    expect(d.agent.view(id)!.waiting).toMatchObject({ kind: 'approval', stepId: SILENCE_STEP_ID, risk: 'write' });
    expect((await silences()).filter((s) => s.comment.includes(id))).toEqual([]);

    approve(d.db, id, 'ana', undefined, { stepId: SILENCE_STEP_ID });
    await d.agent.runUntilIdle();
    const made = d.silenceCall(id);
    expect(made, d.logs.join('\n')).toBeDefined();
    const held = await silence(made!.silenceId);
    expect(held!.status.state).toBe('active');
    expect(held!.comment).toContain(`runbook-agent: workflow ${id}`);
    expect(Object.fromEntries(held!.matchers.map((m) => [m.name, m.value]))).toEqual({ alertname: 'DemoLogVolumeFillingUp', service: 'checkout', severity: 'warning', threshold_mb: '10' });
    // The panel shows the silence with its link on the step.
    const panelStep = panelView(d.db, id, null).steps.find((s) => s.id === SILENCE_STEP_ID)!;
    expect(panelStep.status).toBe('done');
    expect(panelStep.output).toContain(made!.silenceId);
    expect(panelStep.output).toContain(`${am.base}/#/silences/${made!.silenceId}`);
    // The mitigation waits for its own approval; the silence stays while it does.
    expect(d.agent.view(id)!.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs' });
    expect(d.expiries(id)).toEqual([]);

    approve(d.db, id, 'ana', undefined, { stepId: 'compress-old-logs' });
    await d.agent.runUntilIdle();
    answer(d.db, id, '0', 'ana');
    await d.agent.runUntilIdle();
    approve(d.db, id, 'ana', undefined, { stepId: 'delete-old-archives' });
    await d.agent.runUntilIdle();
    expect(d.agent.view(id)!.state).toBe('COMPLETED');

    expect((await silence(made!.silenceId))!.status.state).toBe('expired');
    expect(d.expiries(id)).toEqual([{ stepId: SILENCE_STEP_ID, silenceId: made!.silenceId, outcome: 'expired' }]);
    expect(verifyChain(d.db).ok).toBe(true);
    // The panel says so on the step, under the link.
    const settledStep = panelView(d.db, id, null).steps.find((s) => s.id === SILENCE_STEP_ID)!;
    expect(settledStep.output).toMatch(new RegExp(`silences/${made!.silenceId}[\\s\\S]*\\nExpired at \\S+, when the workflow settled\\.$`));
    // A later sweep (a person acted elsewhere) does nothing more.
    await d.agent.expireSilences();
    expect(d.expiries(id)).toHaveLength(1);
  });

  it('a workflow a person cancels has its silence expired by the next sweep; a declined silence leaves the mitigation to go on', { timeout: 120_000 }, async () => {
    const d = demo();
    const id = await d.fire('2026-12-01T04:00:00Z');
    approve(d.db, id, 'ana', undefined, { stepId: SILENCE_STEP_ID });
    await d.agent.runUntilIdle();
    const made = d.silenceCall(id)!;
    expect((await silence(made.silenceId))!.status.state).toBe('active');
    cancel(d.db, id, 'ana', 'handled by hand');
    // Alertmanager out of reach: logged and recorded, never thrown; the silence is still there for the next sweep.
    const unreachable = new Agent({ db: d.db, workspace: d.workspace, modelDir: null, alertmanagerUrl: `http://127.0.0.1:${await freePort()}`, log: (m) => d.logs.push(m) });
    await expect(unreachable.expireSilences()).resolves.toBeUndefined();
    await unreachable.close();
    expect(d.expiries(id)).toEqual([{ stepId: SILENCE_STEP_ID, silenceId: made.silenceId, outcome: 'failed', detail: expect.stringMatching(/ECONNREFUSED/) }]);
    expect(d.logs.join('\n')).toMatch(new RegExp(`expiring Alertmanager silence ${made.silenceId} of workflow ${id}: .*ECONNREFUSED`));
    expect((await silence(made.silenceId))!.status.state).toBe('active');
    // What the editor's engine does after every person's act (EngineServices.wakeAll).
    await d.agent.expireSilences();
    expect((await silence(made.silenceId))!.status.state).toBe('expired');
    expect(d.expiries(id).at(-1)).toEqual({ stepId: SILENCE_STEP_ID, silenceId: made.silenceId, outcome: 'expired' });
    await d.agent.expireSilences();
    expect(d.expiries(id)).toHaveLength(2);

    // Declined: no silence, and the mitigation still waits for its approval (not escalated as "nothing left to try").
    const other = await d.fire('2026-12-01T05:00:00Z');
    reject(d.db, other, 'ana', 'keep paging me', undefined, { stepId: SILENCE_STEP_ID });
    await d.agent.runUntilIdle();
    expect(d.agent.view(other)!.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs' });
    expect(d.silenceCall(other)).toBeUndefined();
    expect((await silences()).filter((s) => s.comment.includes(other))).toEqual([]);
  });
});
