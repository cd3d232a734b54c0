import { describe, expect, it } from 'vitest';
import { workspaceGate } from '../../../engine/entry/agent/policy';
import { DEFAULT_TIER } from '../../../engine/control/policy/schema';
import type { SandboxStatus } from '../../../engine/execution/sandbox';
import { shellTool, type ShellOutput } from '../../../engine/execution/tools/shell';
import { approve } from '../../../engine/control/workflow/person';
import { listToolCalls } from '../../../engine/control/store/sqlite/toolCalls';
import { tempDir } from '../../helpers/tmp';
import { fixture, stateOf } from '../workflow/fixtures';

const missing: SandboxStatus = { available: false, kind: 'none', problem: 'bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)' };
const present: SandboxStatus = { available: true, kind: 'bubblewrap', version: '0.8.0', path: '/usr/bin/bwrap' };

/** The gate at the default tier (the orchestrator reads the tier from the store and passes it). */
function gate(requireForReads: boolean, status: SandboxStatus) {
  const dir = tempDir('rba-sbx-gate-');
  const g = workspaceGate(dir, undefined, { requireForReads, status: () => status });
  return { workspace: dir, gate: (c: Parameters<typeof g>[0]) => g(c, DEFAULT_TIER) };
}

const call = (tool: { name: string }, risk: 'read' | 'write') => ({ tool, step: {}, input: { command: 'df -h' }, risk, reasons: [], view: {} }) as never;
const shell = { name: 'shell' };

describe('runbookAgent.sandbox.requireForReads', () => {
  it('without a sandbox, a shell read the gate would run waits for a person, and says why', () => {
    const { gate: g } = gate(true, missing);
    expect(g(call(shell, 'read'))).toEqual({
      action: 'approve',
      reason: 'no sandbox on this machine (bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)); runbookAgent.sandbox.requireForReads (CLI: --require-sandbox) is on',
      by: 'sandbox.requireForReads',
    });
  });

  it('changes nothing when it is off, when the sandbox is there, for writes, and for reads that are not shell commands', () => {
    const off = gate(false, missing);
    expect(off.gate(call(shell, 'read'))).toMatchObject({ action: 'allow' });
    const there = gate(true, present);
    expect(there.gate(call(shell, 'read'))).toMatchObject({ action: 'allow' });
    const on = gate(true, missing);
    expect(on.gate(call(shell, 'write'))).toMatchObject({ action: 'hold', by: 'tier read-only' });
    expect(on.gate(call({ name: 'read_file' }, 'read'))).toMatchObject({ action: 'allow' });
  });

  it('through the orchestrator: the approval card carries the reason; once approved, the read runs (unconfined)', async () => {
    const tool = shellTool({ workspace: tempDir('rba-sbx-ws-'), outputCapBytes: 10_000, passEnv: [], sandbox: () => missing });
    const { gate: g } = gate(true, missing);
    const orchestrated = fixture([tool], { main: [{ id: 'disk', tool: 'shell', input: { command: 'echo 42' } }] }, { policy: g });
    const id = orchestrated.start();
    await orchestrated.orchestrator.drain();
    const view = stateOf(orchestrated.db, id);
    expect(view.state).toBe('WAITING_FOR_PERSON');
    expect(view.waiting).toMatchObject({ kind: 'approval', risk: 'read', held: false, policy: expect.stringMatching(/^no sandbox on this machine \(bwrap is not installed.*requireForReads \(CLI: --require-sandbox\) is on$/) });
    approve(orchestrated.db, id, 'test', orchestrated.clock);
    await orchestrated.orchestrator.drain();
    expect(stateOf(orchestrated.db, id).state).toBe('COMPLETED');
    expect(listToolCalls(orchestrated.db, id)[0]!.result as ShellOutput).toMatchObject({ exitCode: 0, stdout: '42\n', sandbox: 'none' });
    orchestrated.db.close();
  });
});
