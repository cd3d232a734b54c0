// Incident memory as the editor sees it: the engine process over JSON-RPC settles a workflow, the next one for the
// same alert carries "Last time" in its panel view with a link to the first, and runbookAgent/memory/forget removes
// it (the event log says who forgot it).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowPanelView, type WorkflowItem } from '../../protocol/agent';
import { setTrust } from '../../protocol/engine';
import { forgetMemory, listMemories, MemoryItem } from '../../protocol/memory';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');
const engines: EngineProcess[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

describe.skipIf(!fs.existsSync(modelDir))('incident memory over JSON-RPC', () => {
  it('the second workflow for an alert shows last time, linked to the first; forget removes it and is logged', { timeout: 180_000 }, async () => {
    const root = tempDir('rba-memory-rpc-');
    const workspace = path.join(root, 'ws');
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    spawnSync('/bin/sh', ['-c', 'sh bin/simulate.sh fill-logs'], { cwd: workspace });
    const engine = await startEngine({ storagePath: root, modelPath: modelDir, trusted: true, workspaceFolders: [workspace] });
    engines.push(engine);
    const call = <T>(method: string, params: unknown) => engine.connection.sendRequest(method, params) as Promise<T>;
    const view = async (id: string) => WorkflowPanelView.parse(await call('runbookAgent/workflow', { id }));
    const settle = async (id: string, want: (v: WorkflowPanelView) => boolean) => {
      for (let i = 0; i < 1200; i++) {
        const v = await view(id);
        if (want(v)) return v;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`workflow ${id} never reached the expected state; last: ${JSON.stringify((await view(id)).workflow)}`);
    };
    const alert = JSON.parse(fs.readFileSync(path.join(workspace, 'alerts/log-volume-filling-up.json'), 'utf8')) as { alerts: Array<{ startsAt: string }> };
    const triage = async (startsAt: string) => {
      alert.alerts[0]!.startsAt = startsAt;
      const { workflows } = await call<{ workflows: WorkflowItem[] }>('runbookAgent/triage', { workspace, text: JSON.stringify(alert) });
      return workflows[0]!.id;
    };

    await call('runbookAgent/tier/set', { workspace, tier: 'approved-writes' });
    const first = await triage('2026-11-24T03:00:00Z');
    await settle(first, (x) => x.waiting?.kind === 'approval');
    await call('runbookAgent/approve', { id: first, stepId: 'compress-old-logs' });
    await settle(first, (x) => x.waiting?.kind === 'question');
    await call('runbookAgent/answer', { id: first, value: '0' });
    await settle(first, (x) => x.waiting?.kind === 'approval');
    await call('runbookAgent/approve', { id: first, stepId: 'delete-old-archives' });
    const done = await settle(first, (x) => x.workflow.state === 'COMPLETED');
    expect(done.lastTime).toEqual([]);

    spawnSync('/bin/sh', ['-c', 'sh bin/simulate.sh fill-logs'], { cwd: workspace });
    const second = await triage('2026-11-25T03:00:00Z');
    const v = await settle(second, (x) => x.waiting !== null);
    expect(v.planSummary).toContain(`Last time (workflow ${first})`);
    expect(v.lastTime).toHaveLength(1);
    expect(v.lastTime![0]).toMatchObject({ workflowId: first, state: 'COMPLETED', shared: ['alertname', 'service'] });
    expect(v.lastTime![0]!.text).toMatch(/completed \(verification passed\).*What fixed it: .*gzip/);

    const { memories } = listMemories.result.parse(await call('runbookAgent/memory/list', { workspace }));
    expect(memories.map((m: MemoryItem) => m.workflowId)).toEqual([first]);
    await expect(call(forgetMemory.method, { id: 'mem-nope' })).rejects.toThrow(/no incident memory mem-nope/);
    // Forgetting runs nothing from the workspace: allowed in Restricted Mode, as in the CLI (the panel's Forget relies on it).
    await engine.connection.sendNotification(setTrust.method, { trusted: false });
    const forgotten = forgetMemory.result.parse(await call(forgetMemory.method, { id: memories[0]!.id }));
    expect(forgotten).toMatchObject({ id: memories[0]!.id, workflowId: first });
    expect((await view(second)).lastTime).toEqual([]);
    expect(listMemories.result.parse(await call('runbookAgent/memory/list', { workspace })).memories).toEqual([]);

    await engine.stop();
    const db = new Database(path.join(root, 'engine.sqlite'), { readonly: true });
    try {
      const row = db.prepare('SELECT type, actor, data FROM workflow_events WHERE seq = ?').get(forgotten.seq) as { type: string; actor: string; data: string };
      expect(row).toMatchObject({ type: 'memory_forgotten', actor: 'person' });
      expect(JSON.parse(row.data)).toMatchObject({ workflowId: first, by: expect.stringMatching(/\(VS Code\)$/) });
    } finally {
      db.close();
    }
  });
});
