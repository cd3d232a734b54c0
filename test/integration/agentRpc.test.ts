import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowPanelView, workflowsChanged, type WorkflowItem } from '../../protocol/agent';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');
const engines: EngineProcess[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

async function demoEngine(trusted = true) {
  const root = tempDir('rba-agent-rpc-');
  const workspace = path.join(root, 'ws');
  fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
  const engine = await startEngine({ storagePath: root, modelPath: modelDir, trusted, workspaceFolders: [workspace] });
  engines.push(engine);
  const changes: Array<{ ids: string[]; pendingApprovals: number }> = [];
  engine.connection.onNotification(workflowsChanged.method, (p: unknown) => {
    changes.push(workflowsChanged.params.parse(p));
  });
  const call = <T>(method: string, params: unknown) => engine.connection.sendRequest(method, params) as Promise<T>;
  const view = async (id: string) => WorkflowPanelView.parse(await call('runbookAgent/workflow', { id }));
  /** The engine's workers run in the background: wait until the workflow settles where a person is needed. */
  const settle = async (id: string, want: (v: WorkflowPanelView) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const v = await view(id);
      if (want(v)) return v;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`workflow ${id} never reached the expected state; last: ${JSON.stringify((await view(id)).workflow)}`);
  };
  const sh = (script: string) => spawnSync('/bin/sh', ['-c', script], { cwd: workspace, encoding: 'utf8' }).stdout;
  return { workspace, engine, call, view, settle, changes, sh };
}

describe.skipIf(!fs.existsSync(modelDir))('workflows over JSON-RPC (the engine as the editor drives it)', () => {
  it('triage -> held -> tier -> approve (hash-bound) -> answer -> approve -> completed, with live notifications and a trace', async () => {
    const d = await demoEngine();
    d.sh('sh bin/simulate.sh fill-logs');
    // The extension indexes the folder when it opens; the planner's retrieval snapshot comes from that index.
    await d.call('runbookAgent/retrieval/index', { root: d.workspace });
    const text = fs.readFileSync(path.join(d.workspace, 'alerts/log-volume-filling-up.json'), 'utf8');
    const { workflows } = await d.call<{ workflows: WorkflowItem[] }>('runbookAgent/triage', { workspace: d.workspace, text });
    const id = workflows[0]!.id;
    let v = await d.settle(id, (x) => x.waiting !== null);
    expect(v.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs', held: true });
    expect(v.steps.slice(0, 2).map((s) => [s.status, s.exitCode])).toEqual([['done', 0], ['done', 0]]);
    expect(v.steps[0]!.output).toMatch(/logs\//);
    expect(v.sources.length).toBeGreaterThan(0);
    expect(v.spans.map((s) => s.kind)).toEqual(expect.arrayContaining(['workflow', 'planning', 'tool', 'attempt', 'policy', 'wait']));
    expect(d.changes.some((c) => c.ids.includes(id))).toBe(true);

    await expect(d.call('runbookAgent/approve', { id, stepId: 'compress-old-logs' })).rejects.toThrow(/held, and an approval would not run it/);
    await d.call('runbookAgent/tier/set', { workspace: d.workspace, tier: 'approved-writes' });
    v = await d.settle(id, (x) => x.waiting?.kind === 'approval' && !x.waiting.held);
    await expect(d.call('runbookAgent/approve', { id, stepId: 'compress-old-logs', inputHash: 'f'.repeat(64) })).rejects.toThrow(/changed since it was shown/);
    const waiting = v.waiting!;
    await d.call('runbookAgent/approve', { id, stepId: 'compress-old-logs', inputHash: waiting.kind === 'approval' ? waiting.inputHash : '' });
    v = await d.settle(id, (x) => x.waiting?.kind === 'question');
    expect(d.sh('ls logs | grep -c "\\.gz$"').trim()).toBe('48');
    await d.call('runbookAgent/answer', { id, value: '0' });
    v = await d.settle(id, (x) => x.waiting?.kind === 'approval');
    expect(v.waiting).toMatchObject({ stepId: 'delete-old-archives', describe: "find logs/ -name '*.log.gz' -mtime +0 -delete" });
    const list = await d.call<{ pendingApprovals: number }>('runbookAgent/workflows', {});
    expect(list.pendingApprovals).toBe(1);
    await d.call('runbookAgent/approve', { id, stepId: 'delete-old-archives' });
    v = await d.settle(id, (x) => x.workflow.state === 'COMPLETED');
    expect(v.steps.every((s) => s.status === 'done')).toBe(true);

    const lens = await d.call<{ steps: Array<{ stepId: string; risk: string; last: { status: string } | null }> }>('runbookAgent/runbookSteps', { workspace: d.workspace, path: 'runbooks/log-volume-filling-up.md' });
    expect(lens.steps.find((s) => s.stepId === 'compress-old-logs')).toMatchObject({ risk: 'write', last: { status: 'done' } });
    const trace = await d.call<{ fileName: string; json: string }>('runbookAgent/exportTrace', { id });
    expect(trace.fileName).toMatch(/\.otlp\.json$/);
    const root = (JSON.parse(trace.json) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; attributes: unknown[] }> }> }> }).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(root.name).toBe('invoke_agent runbook-agent');
    expect(root.attributes).toEqual(expect.arrayContaining([{ key: 'gen_ai.conversation.id', value: { stringValue: id } }]));
  });

  it('Restricted Mode: plans are made and shown, nothing runs, approvals are refused with how to trust; granting trust resumes', async () => {
    const d = await demoEngine(false);
    const text = fs.readFileSync(path.join(d.workspace, 'alerts/log-volume-filling-up.json'), 'utf8');
    const { workflows } = await d.call<{ workflows: WorkflowItem[] }>('runbookAgent/triage', { workspace: d.workspace, text });
    const id = workflows[0]!.id;
    let v = await d.settle(id, (x) => x.waiting !== null);
    expect(v.waiting).toMatchObject({ kind: 'trust' });
    expect(v.executionBlocked).toMatch(/Manage Workspace Trust/);
    expect(v.steps.length).toBeGreaterThan(3);
    expect(v.steps.every((s) => s.status !== 'done')).toBe(true);
    await expect(d.call('runbookAgent/approve', { id })).rejects.toThrow(/Restricted Mode/);
    await d.engine.connection.sendNotification('runbookAgent/setTrust', { trusted: true });
    v = await d.settle(id, (x) => x.waiting?.kind === 'approval');
    expect(v.steps[0]!.status).toBe('done');
  });

  it('refuses a folder the window does not have open, and garbage alert text, with clear messages', async () => {
    const d = await demoEngine();
    await expect(d.call('runbookAgent/triage', { workspace: '/etc', text: '{"alertname":"x"}' })).rejects.toThrow(/not one of this window's workspace folders/);
    await expect(d.call('runbookAgent/triage', { workspace: d.workspace, text: '{"version":"4","alerts":[{"labels":3}]}' })).rejects.toThrow(/alert/i);
    await expect(d.call('runbookAgent/runRunbook', { workspace: d.workspace, path: '../../etc/passwd' })).rejects.toThrow(/outside the workspace/);
  });
});
