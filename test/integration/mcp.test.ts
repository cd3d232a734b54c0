import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolWorkflow } from '../../protocol/agentTools';

const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');
const LONG = { timeout: 120_000 };

/** Every file under `root` (links as links), with its mode and content hash: any write shows up. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(root, abs);
      const st = fs.lstatSync(abs);
      if (entry.isDirectory()) {
        out[`${rel}/`] = `dir ${st.mode}`;
        walk(abs);
      } else if (entry.isSymbolicLink()) out[rel] = `link ${fs.readlinkSync(abs)}`;
      else out[rel] = `${st.mode} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`;
    }
  };
  walk(root);
  return out;
}

/** The MCP error a malformed call gets: JSON-RPC InvalidParams, its message naming the field. */
async function rejection(call: Promise<unknown>): Promise<McpError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'the call is refused').toBeInstanceOf(McpError);
  return error as McpError;
}

describe.skipIf(!fs.existsSync(modelDir))('runbook-agent mcp over stdio, driven by the MCP SDK client', () => {
  // One workspace for the whole conversation (the shared tempDir helper empties itself after every test).
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-mcp-'));
  const workspace = path.join(root, 'ws');
  const db = path.join(root, 'engine.sqlite');
  let client: Client;
  let transport: StdioClientTransport;
  let before: Record<string, string>;
  let stderr = '';

  beforeAll(async () => {
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    spawnSync('/bin/sh', ['bin/simulate.sh', 'fill-logs'], { cwd: workspace });
    before = tree(workspace);
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/runbook-agent.js', 'mcp', '--workspace', workspace, '--db', db],
      env: { ...(process.env as Record<string, string>), XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: modelDir },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'runbook-agent-test', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('introduces itself and lists the four tools with hints that tell the truth, and no approval tool', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'runbook-agent' });
    expect(client.getInstructions()).toMatch(/No tool here approves/);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['runbook_pending', 'runbook_search', 'runbook_triage', 'runbook_workflow']);
    expect(tools.some((t) => /approv|reject|answer|edit|tier|kill/i.test(t.name))).toBe(false);
    for (const name of ['runbook_search', 'runbook_workflow', 'runbook_pending']) {
      expect(byName.get(name)?.annotations, name).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    }
    // Triage starts a workflow and runs read-only diagnostics on this machine: not read-only, not destructive.
    expect(byName.get('runbook_triage')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, openWorldHint: true });
    expect(byName.get('runbook_triage')?.description).toMatch(/No tool approves anything/);
    expect(byName.get('runbook_search')?.inputSchema).toMatchObject({ type: 'object', required: ['query'], additionalProperties: false });
    expect(byName.get('runbook_workflow')?.outputSchema).toMatchObject({ type: 'object' });
  });

  it('searches the runbooks', LONG, async () => {
    const r = await client.callTool({ name: 'runbook_search', arguments: { query: 'log volume is filling up, rotated logs not compressed', k: 3 } });
    expect(r.isError).toBeFalsy();
    const { hits } = r.structuredContent as { hits: Array<{ path: string; heading: string; preview: string }> };
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(hits[0]!.path).toBe('runbooks/log-volume-filling-up.md');
    expect((r.content as Array<{ text: string }>)[0]!.text).toMatch(/runbooks\/log-volume-filling-up\.md:\d+-\d+/);
  });

  let id = '';
  it('triages the demo alert: the plan, what the diagnostics found, and the write that waits for a person', LONG, async () => {
    const alert = fs.readFileSync(path.join(workspace, 'alerts', 'log-volume-filling-up.json'), 'utf8');
    const r = await client.callTool({ name: 'runbook_triage', arguments: { alert } }, undefined, LONG);
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    const [w] = (r.structuredContent as { workflows: ToolWorkflow[] }).workflows;
    id = w!.id;
    expect(w).toMatchObject({ state: 'WAITING_FOR_PERSON', waitsForPerson: true, workspace });
    expect(w!.summary).toBeTruthy();
    const phases = w!.steps.map((s) => s.phase);
    expect(phases.indexOf('mitigate')).toBeGreaterThan(phases.lastIndexOf('diagnose'));
    const diagnostics = w!.steps.filter((s) => s.phase === 'diagnose');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((s) => s.status === 'done' && s.exitCode === 0 && s.risk === 'read')).toBe(true);
    expect(diagnostics[0]!.output).toMatch(/\d+M\s+logs\//);
    // The workspace is new, so read-only: the write is held and no approval can run it until a person switches the tier.
    expect(w!.waiting).toMatchObject({ kind: 'approval', stepId: 'compress-old-logs', risk: 'write', held: true });
    expect(w!.steps.find((s) => s.id === 'compress-old-logs')).toMatchObject({ status: 'waiting', risk: 'write' });
    expect(w!.next.some((c) => c.startsWith(`runbook-agent approve ${id} compress-old-logs --db `))).toBe(true);
    const text = (r.content as Array<{ text: string }>)[0]!.text;
    expect(text).toMatch(/✓ 1\. .*\[diagnose, read\]/);
    expect(text).toMatch(/⏸ \d+\. compress-old-logs \[mitigate, write\]/);
    expect(text).toMatch(/did not approve anything and cannot/);
    expect(text).toMatch(/runbook-agent tier --workspace .* approved-writes/);
    // A re-sent alert is the same workflow.
    const again = await client.callTool({ name: 'runbook_triage', arguments: { alert: JSON.parse(alert) as Record<string, unknown> } }, undefined, LONG);
    expect((again.structuredContent as { workflows: ToolWorkflow[] }).workflows[0]!.id).toBe(id);
  });

  it('reads the workflow, and lists it as waiting for a person', LONG, async () => {
    const r = await client.callTool({ name: 'runbook_workflow', arguments: { id } });
    expect(r.structuredContent).toMatchObject({ id, state: 'WAITING_FOR_PERSON', waiting: { stepId: 'compress-old-logs' } });
    const p = await client.callTool({ name: 'runbook_pending', arguments: {} });
    const pending = (p.structuredContent as { workflows: ToolWorkflow[] }).workflows;
    expect(pending.map((w) => w.id)).toEqual([id]);
    expect((p.content as Array<{ text: string }>)[0]!.text).toMatch(/compress-old-logs is a write .* waits for a person/);
  });

  it('serves the runbooks and the workflow reports as resources', LONG, async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('runbook-agent://runbook/runbooks/log-volume-filling-up.md');
    expect(uris).toContain(`runbook-agent://workflow/${id}`);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['runbook-agent://runbook/{+path}', 'runbook-agent://workflow/{id}']);
    const runbook = await client.readResource({ uri: 'runbook-agent://runbook/runbooks/log-volume-filling-up.md' });
    expect(runbook.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: expect.stringMatching(/```sh/) });
    const report = await client.readResource({ uri: `runbook-agent://workflow/${id}` });
    expect(report.contents.map((c) => c.mimeType)).toEqual(['text/markdown', 'application/json']);
    expect((report.contents[0] as { text: string }).text).toMatch(/compress-old-logs/);
    expect(JSON.parse((report.contents[1] as { text: string }).text)).toMatchObject({ id, state: 'WAITING_FOR_PERSON' });
  });

  it('answers malformed calls with a JSON-RPC InvalidParams error that names the field', LONG, async () => {
    const missing = await rejection(client.callTool({ name: 'runbook_search', arguments: {} }));
    expect(missing.code).toBe(ErrorCode.InvalidParams);
    expect(missing.message).toMatch(/invalid params for runbook_search: query: /);
    const wrongType = await rejection(client.callTool({ name: 'runbook_search', arguments: { query: 'disk', k: 'five' } }));
    expect(wrongType.message).toMatch(/k: .*expected number/);
    const extra = await rejection(client.callTool({ name: 'runbook_workflow', arguments: { id, approve: true } }));
    expect(extra.message).toMatch(/approve/);
    const noAlert = await rejection(client.callTool({ name: 'runbook_triage', arguments: { alert: 42 } }));
    expect(noAlert.code).toBe(ErrorCode.InvalidParams);
    expect(noAlert.message).toMatch(/invalid params for runbook_triage: alert: /);
    const badAlert = await rejection(client.callTool({ name: 'runbook_triage', arguments: { alert: '{"version":"4","alerts":[{"labels":"nope"}]}' } }));
    expect(badAlert.message).toMatch(/invalid params for runbook_triage: alert: .*labels/);
    const unknown = await rejection(client.callTool({ name: 'runbook_workflow', arguments: { id: 'no-such-workflow' } }));
    expect(unknown.message).toMatch(/id: no workflow with id "no-such-workflow"/);
    const approve = await rejection(client.callTool({ name: 'runbook_approve', arguments: { id } }));
    expect(approve.code).toBe(ErrorCode.InvalidParams);
    expect(approve.message).toMatch(/name: unknown tool "runbook_approve"/);
    const secret = await rejection(client.readResource({ uri: 'runbook-agent://runbook/config/checkout.env' }));
    expect(secret.message).toMatch(/uri: no runbook "config\/checkout.env"/);
    await rejection(client.readResource({ uri: 'runbook-agent://runbook/../../etc/passwd' }));
    // The server is still there after all of that.
    expect((await client.callTool({ name: 'runbook_pending', arguments: {} })).isError).toBeFalsy();
  });

  it('changed no file in the workspace: diagnostics read, the write still waits', () => {
    expect(tree(workspace)).toEqual(before);
    const tier = spawnSync(process.execPath, ['bin/runbook-agent.js', 'tier', '--workspace', workspace, '--db', db, '--json'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: root } });
    expect(JSON.parse(tier.stdout)).toMatchObject({ chosen: 'read-only' });
    expect(stderr).not.toMatch(/TypeError|ReferenceError/);
  });
});
