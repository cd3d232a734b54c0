// Incident memory end to end: a workflow for an alert settles (the demo's log volume, fixed with two approved
// writes), the engine remembers it; the same alert fires again and its plan and panel view say "last time" with a
// link to the first workflow; `runbook-agent memory forget` removes it and the hash-chained event log records who
// forgot it. The real engine (Agent, orchestrator, runbook planner, SQLite) in process; the real CLI for memory.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowPanelView } from '../../protocol/agent';
import { Agent } from '../../engine/entry/agent/agent';
import { panelView } from '../../engine/entry/agent/panelView';
import { normalizeAlertText } from '../../engine/control/alert';
import { openDatabase, type Db } from '../../engine/control/db/open';
import { FORGOTTEN_EVENT, listMemories, memoryIdOf } from '../../engine/memory/incidents/store';
import { setTier } from '../../engine/control/store/sqlite/tiers';
import { withLastTime } from '../../engine/entry/server/memoryHandlers';
import { eventsOf, verifyChain } from '../../engine/control/store/sqlite/eventLog';
import { answer, approve } from '../../engine/control/workflow/person';
import { tempDir } from '../helpers/tmp';

const open: Array<{ agent: Agent; db: Db }> = [];
afterEach(async () => {
  for (const { agent, db } of open.splice(0)) {
    await agent.close();
    db.close();
  }
});

beforeAll(() => {
  if (!fs.existsSync('dist/cli.js') && !fs.existsSync('dist/engine.js')) throw new Error('build dist first: node scripts/build.mjs');
});

function demo() {
  const root = tempDir('rba-memory-');
  const workspace = path.join(root, 'ws');
  fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
  const file = path.join(root, 'engine.sqlite');
  const db = openDatabase(file);
  const agent = new Agent({ db, workspace, modelDir: null });
  open.push({ agent, db });
  const alert = JSON.parse(fs.readFileSync(path.join(workspace, 'alerts/log-volume-filling-up.json'), 'utf8')) as { alerts: Array<{ startsAt: string; fingerprint: string }> };
  /** The demo alert, firing at `startsAt` (a new occurrence is a new workflow). */
  const fire = async (startsAt: string) => {
    const copy = structuredClone(alert);
    copy.alerts[0]!.startsAt = startsAt;
    const [w] = agent.start(normalizeAlertText(JSON.stringify(copy)));
    await agent.runUntilIdle();
    return w!.id;
  };
  const sh = (script: string) => spawnSync('/bin/sh', ['-c', script], { cwd: workspace, encoding: 'utf8' }).stdout;
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/runbook-agent.js', ...args, '--db', file], { encoding: 'utf8', env: { ...process.env, RUNBOOK_AGENT_MODEL: path.join(root, 'no-model') } });
  const view = (id: string) => WorkflowPanelView.parse(withLastTime(db, panelView(db, id, null)));
  return { workspace, db, agent, fire, sh, cli, view };
}

describe('incident memory: last time, and forget', () => {
  it('a settled workflow is remembered; the same alert again says last time in its plan and view, linked to it; forget removes it and is logged', { timeout: 120_000 }, async () => {
    const d = demo();
    d.sh('sh bin/simulate.sh fill-logs');
    setTier(d.db, d.workspace, 'approved-writes', 'ana', Date.now());

    // First occurrence: diagnostics run, two writes approved by ana, verification passes.
    const first = await d.fire('2026-11-24T03:00:00Z');
    expect(d.agent.view(first)!.plan!.summary).not.toContain('Last time');
    approve(d.db, first, 'ana', undefined, { stepId: 'compress-old-logs' });
    await d.agent.runUntilIdle();
    answer(d.db, first, '0', 'ana');
    await d.agent.runUntilIdle();
    approve(d.db, first, 'ana', undefined, { stepId: 'delete-old-archives' });
    await d.agent.runUntilIdle();
    expect(d.agent.view(first)!.state).toBe('COMPLETED');

    // Remembered when it settled (the orchestrator's onSettled), without anyone asking.
    const memories = listMemories(d.db);
    expect(memories.map((m) => m.id)).toEqual([memoryIdOf(first)]);
    expect(memories[0]!.memory).toMatchObject({ alertname: 'DemoLogVolumeFillingUp', labels: { alertname: 'DemoLogVolumeFillingUp', service: 'checkout' }, state: 'COMPLETED', verification: 'passed', runbook: 'runbooks/log-volume-filling-up.md' });
    expect(memories[0]!.memory.done.filter((x) => x.outcome === 'done').map((x) => x.by)).toEqual(['ana', 'ana']);

    // Second occurrence of the same alert: the plan and the view say last time, naming the first workflow.
    d.sh('sh bin/simulate.sh fill-logs');
    const second = await d.fire('2026-11-25T03:00:00Z');
    expect(second).not.toBe(first);
    const summary = d.agent.view(second)!.plan!.summary;
    expect(summary).toContain(`Last time (workflow ${first}): Log volume of checkout is filling up (service=checkout)`);
    expect(summary).toMatch(/completed \(verification passed\) in .*Checked: du -sh logs\/ ⏎ ls -lS.*What fixed it: .*gzip.* \(by ana\)/);
    const v = d.view(second);
    expect(v.lastTime).toHaveLength(1);
    expect(v.lastTime![0]).toMatchObject({ workflowId: first, memoryId: memoryIdOf(first), state: 'COMPLETED', shared: ['alertname', 'service'], runbook: 'runbooks/log-volume-filling-up.md' });
    expect(v.lastTime![0]!.text).toMatch(/What fixed it: /);
    // The first workflow's own view has no "last time": nothing settled before it fired.
    expect(d.view(first).lastTime).toEqual([]);

    // The CLI lists it and forgets it; the event log records the forget (who, when), not the memory's content.
    const listed = d.cli('memory', 'list', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { memories: Array<{ id: string; workflowId: string }> }).memories.map((m) => m.id)).toContain(memoryIdOf(first));
    const forgot = d.cli('memory', 'forget', memoryIdOf(first), '--by', 'bo', '--json');
    expect(forgot.status, forgot.stderr).toBe(0);
    const { forgotten } = JSON.parse(forgot.stdout) as { forgotten: { id: string; workflowId: string; seq: number } };
    expect(forgotten).toMatchObject({ id: memoryIdOf(first), workflowId: first });

    const event = d.db.prepare('SELECT type, actor, workflow_id AS workflowId, data FROM workflow_events WHERE seq = ?').get(forgotten.seq) as { type: string; actor: string; workflowId: string | null; data: string };
    expect(event).toMatchObject({ type: FORGOTTEN_EVENT, actor: 'person', workflowId: null });
    expect(JSON.parse(event.data)).toMatchObject({ memoryId: memoryIdOf(first), workflowId: first, by: 'bo' });
    expect(event.data).not.toMatch(/gzip|logs\//);
    expect(verifyChain(d.db).ok).toBe(true);
    expect(d.cli('log', 'verify').stdout).toMatch(/event log intact/);

    // Gone from recall, the view and the list; the first workflow's own record is still all there.
    expect(listMemories(d.db).map((m) => m.id)).not.toContain(memoryIdOf(first));
    expect(d.view(second).lastTime).toEqual([]);
    expect(JSON.parse(d.cli('memory', 'list', '--json').stdout).memories.map((m: { id: string }) => m.id)).not.toContain(memoryIdOf(first));
    expect(eventsOf(d.db, first).some((e) => e.type === 'completed')).toBe(true);
    expect(d.cli('memory', 'forget', memoryIdOf(first)).stderr).toMatch(/no incident memory/);

    // A third occurrence plans without it (the second, if it settled, may be recalled; never the first).
    const third = await d.fire('2026-11-26T03:00:00Z');
    expect(d.agent.view(third)!.plan!.summary).not.toContain(first);
  });

  it('with --store, works on the control store and never on the local file: an unreachable store is a clear error, another database is refused', () => {
    const root = tempDir('rba-memory-store-');
    const file = path.join(root, 'engine.sqlite');
    for (const args of [['list'], ['show', 'mem-x'], ['forget', 'mem-x']]) {
      const r = spawnSync(process.execPath, ['bin/runbook-agent.js', 'memory', ...args, '--store', 'postgres://rba@127.0.0.1:1/db', '--db', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/cannot open the control store at postgres:\/\/rba@127\.0\.0\.1:1\/db: .*ECONNREFUSED/);
      expect(fs.existsSync(file)).toBe(false);
    }
    const other = spawnSync(process.execPath, ['bin/runbook-agent.js', 'memory', 'list', '--store', 'mysql://rba@127.0.0.1:1/db', '--db', file], { encoding: 'utf8' });
    expect(other.status, other.stderr).toBe(2);
    expect(other.stderr).toMatch(/--store supports PostgreSQL only/);
    expect(fs.existsSync(file)).toBe(false);
  });
});
