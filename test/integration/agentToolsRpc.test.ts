import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentToolResult, TriageOutput, type ToolWorkflow } from '../../protocol/agentTools';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');
const PANEL = 'vscode://runbook-agent.runbook-agent/workflow?id=';
const engines: EngineProcess[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

/** The editor's engine, as the extension starts it, on a copy of the demo workspace. */
async function demoEngine(trusted: boolean) {
  const root = tempDir('rba-agent-tools-');
  const workspace = path.join(root, 'ws');
  fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
  spawnSync('/bin/sh', ['bin/simulate.sh', 'fill-logs'], { cwd: workspace });
  const engine = await startEngine({ storagePath: root, modelPath: modelDir, trusted, workspaceFolders: [workspace] });
  engines.push(engine);
  await engine.connection.sendRequest('runbookAgent/retrieval/index', { root: workspace });
  const tool = async (name: string, input: unknown) =>
    AgentToolResult.parse(await engine.connection.sendRequest('runbookAgent/agentTool', { workspace, panelUri: PANEL, call: { tool: name, input } }));
  const logs = () => spawnSync('/bin/sh', ['-c', 'ls logs | grep -c "\\.log$"'], { cwd: workspace, encoding: 'utf8' }).stdout.trim();
  return { workspace, engine, tool, logs, db: path.join(root, 'engine.sqlite') };
}

describe.skipIf(!fs.existsSync(modelDir))('the Language Model tools, run by the editor engine (runbookAgent/agentTool over IPC)', () => {
  it('searches, triages until the write waits, reads and lists it; nothing is approved and nothing written', { timeout: 120_000 }, async () => {
    const d = await demoEngine(true);
    const search = await d.tool('runbook_search', { query: 'log volume filling up' });
    expect((search.data.hits as Array<{ path: string }>)[0]!.path).toBe('runbooks/log-volume-filling-up.md');

    const alert = fs.readFileSync(path.join(d.workspace, 'alerts/log-volume-filling-up.json'), 'utf8');
    const triage = await d.tool('runbook_triage', { alert });
    const [w] = TriageOutput.parse(triage.data).workflows;
    // The engine's own workers ran the diagnostics in the background; the tool waited for the workflow to rest.
    expect(w).toMatchObject({ state: 'WAITING_FOR_PERSON', waitsForPerson: true, panelLink: `${PANEL}${w!.id}`, waiting: { kind: 'approval', stepId: 'compress-old-logs', held: true } });
    expect(w!.steps.filter((s) => s.phase === 'diagnose').every((s) => s.status === 'done' && s.exitCode === 0)).toBe(true);
    expect(w!.next[0]).toMatch(/^In VS Code: "Switch to approved writes"/);
    expect(w!.next).toContain(`runbook-agent approve ${w!.id} compress-old-logs --db ${d.db}`);
    expect(triage.text).toMatch(new RegExp(`A person decides in the Runbook Agent panel: ${PANEL.replace(/[?.]/g, '\\$&')}${w!.id}`));

    const read = await d.tool('runbook_workflow', { id: w!.id });
    expect((read.data as ToolWorkflow).state).toBe('WAITING_FOR_PERSON');
    const pending = await d.tool('runbook_pending', {});
    expect((pending.data.workflows as ToolWorkflow[]).map((x) => x.id)).toEqual([w!.id]);
    expect(d.logs()).toBe('48');
  });

  it('refuses malformed calls with InvalidParams naming the field, and a workflow of another folder', async () => {
    const d = await demoEngine(true);
    const call = (params: unknown) => d.engine.connection.sendRequest('runbookAgent/agentTool', params);
    await expect(call({ workspace: d.workspace, call: { tool: 'runbook_search', input: {} } })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/call\.input\.query/) });
    await expect(call({ workspace: d.workspace, call: { tool: 'runbook_approve', input: { id: 'x' } } })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/call\.tool/) });
    await expect(call({ workspace: d.workspace, call: { tool: 'runbook_workflow', input: { id: 'nope' } } })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/id: no workflow with id "nope"/) });
    await expect(call({ workspace: d.workspace, call: { tool: 'runbook_triage', input: { alert: '{"alerts":[{"labels":"x"}]' } } })).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/alert: invalid JSON/) });
    await expect(call({ workspace: '/etc', call: { tool: 'runbook_pending', input: {} } })).rejects.toThrow(/not one of this window's workspace folders/);
  });

  it('in Restricted Mode searches and lists, but refuses to triage and starts nothing', { timeout: 60_000 }, async () => {
    const d = await demoEngine(false);
    expect(((await d.tool('runbook_search', { query: 'checkout down' })).data.hits as unknown[]).length).toBeGreaterThan(0);
    const alert = fs.readFileSync(path.join(d.workspace, 'alerts/checkout-down.json'), 'utf8');
    await expect(d.tool('runbook_triage', { alert })).rejects.toThrow(/Restricted Mode.*Manage Workspace Trust/);
    expect((await d.tool('runbook_pending', {})).text).toMatch(/Nothing waits for a person/);
  });
});
