import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_TOOL_LIST, AGENT_TOOLS, AgentToolCall, languageModelToolContributions } from '../../protocol/agentTools';

const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  activationEvents: string[];
  contributes: { languageModelTools: unknown[]; mcpServerDefinitionProviders: Array<{ id: string; label: string }> };
};

describe('the agent tools (protocol/agentTools.ts)', () => {
  it('are contributed in package.json exactly as the protocol defines them (descriptions and input schemas from zod)', () => {
    // On a mismatch, paste the expected value into package.json `contributes.languageModelTools`.
    expect(manifest.contributes.languageModelTools).toEqual(languageModelToolContributions());
    expect(manifest.contributes.mcpServerDefinitionProviders).toEqual([{ id: 'runbookAgent.mcp', label: 'Runbook Agent' }]);
    expect(manifest.activationEvents).toContain('onUri');
  });

  it('offer no way to approve, reject, answer, edit or widen anything', () => {
    expect(AGENT_TOOL_LIST.map((t) => t.name).sort()).toEqual(['runbook_pending', 'runbook_search', 'runbook_triage', 'runbook_workflow']);
    expect(AGENT_TOOL_LIST.some((t) => /approv|reject|answer|edit|tier|kill/i.test(t.name))).toBe(false);
    for (const tool of AGENT_TOOL_LIST) expect(tool.name).toMatch(/^[a-z_]{1,64}$/);
  });

  it('carry hints that tell the truth: reads are read-only; triage acts on this machine but writes wait for a person', () => {
    for (const tool of [AGENT_TOOLS.search, AGENT_TOOLS.workflow, AGENT_TOOLS.pending]) expect(tool.hints).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(AGENT_TOOLS.triage.hints).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true });
  });

  it('validate calls strictly, naming the field', () => {
    expect(AgentToolCall.safeParse({ tool: 'runbook_triage', input: { alert: 'disk full on db-1' } }).success).toBe(true);
    expect(AgentToolCall.safeParse({ tool: 'runbook_triage', input: { alert: { alertname: 'DiskFull' } } }).success).toBe(true);
    const extra = AgentToolCall.safeParse({ tool: 'runbook_workflow', input: { id: 'w', approve: true } });
    expect(extra.success).toBe(false);
    expect(JSON.stringify(extra.error?.issues)).toMatch(/approve/);
    expect(AgentToolCall.safeParse({ tool: 'runbook_approve', input: {} }).success).toBe(false);
    expect(AgentToolCall.safeParse({ tool: 'runbook_search', input: { query: '' } }).success).toBe(false);
  });
});
