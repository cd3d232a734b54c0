import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workspaceGate } from '../../../engine/entry/agent/policy';
import { DEFAULT_TIER } from '../../../engine/control/policy/schema';
import { loadWorkspacePolicy, MAX_POLICY_BYTES, PolicyFileError } from '../../../engine/control/policy/load';
import { tempDir } from '../../helpers/tmp';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function workspace() {
  const dir = tempDir('rba-policy-file-');
  fs.mkdirSync(path.join(dir, '.runbook-agent'));
  const file = path.join(dir, '.runbook-agent/policy.json');
  const atTier = workspaceGate(dir, undefined);
  const gate = (call: Parameters<typeof atTier>[0]) => atTier(call, DEFAULT_TIER);
  return { dir, file, gate };
}
const read = { tool: { name: 'shell' }, step: {}, input: { command: 'df -h' }, risk: 'read', reasons: [], view: {} } as never;

describe('the workspace policy file is read safely', () => {
  it('a FIFO: refused at once with the file named, and the gate denies every call with that message', () => {
    const { dir, file, gate } = workspace();
    execFileSync('mkfifo', [file]);
    // Safety net: should the read block on the FIFO, this writer releases it after 3 s (the test then fails).
    const writer = spawn('sh', ['-c', 'sleep 3; : > "$1"', 'sh', file], { stdio: 'ignore' });
    cleanup.push(() => writer.kill('SIGKILL'));
    const message = `policy file ${file} is a FIFO, not a regular file`;
    expect(() => loadWorkspacePolicy(dir)).toThrow(new PolicyFileError(message));
    expect(gate(read)).toEqual({ action: 'deny', reason: message, by: 'workspace policy file' });
  });

  it('a committed symbolic link to /dev/zero: refused as a link out of the workspace, nothing is read', () => {
    const { dir, file, gate } = workspace();
    fs.symlinkSync('/dev/zero', file);
    const message = `policy file ${file} is a symbolic link to /dev/zero, outside the workspace ${fs.realpathSync(dir)}`;
    expect(() => loadWorkspacePolicy(dir)).toThrow(new PolicyFileError(message));
    expect(gate(read)).toEqual({ action: 'deny', reason: message, by: 'workspace policy file' });
  });

  it('a file over 256 KiB: refused with the cap named; a link to a policy inside the workspace is honoured', () => {
    const { dir, file, gate } = workspace();
    fs.writeFileSync(file, `{"rules":[]${' '.repeat(MAX_POLICY_BYTES)}}`);
    expect(() => loadWorkspacePolicy(dir)).toThrow(/policy\.json is 262156 bytes, more than the 262144-byte cap/);
    expect(gate(read)).toMatchObject({ action: 'deny', reason: expect.stringMatching(/more than the 262144-byte cap/) });

    fs.rmSync(file);
    fs.writeFileSync(path.join(dir, 'team-policy.json'), JSON.stringify({ approveReads: true }));
    fs.symlinkSync('../team-policy.json', file);
    expect(loadWorkspacePolicy(dir)).toMatchObject({ approveReads: true });
    expect(gate(read)).toMatchObject({ action: 'approve', by: 'workspace approveReads' });
  });

  it('no file: the empty policy, and reads run; a directory in its place is refused', () => {
    const { dir, file, gate } = workspace();
    expect(loadWorkspacePolicy(dir)).toEqual({ rules: [], approveReads: false });
    expect(gate(read)).toMatchObject({ action: 'allow' });
    fs.mkdirSync(file);
    expect(gate(read)).toEqual({ action: 'deny', reason: `policy file ${file} is a directory, not a regular file`, by: 'workspace policy file' });
  });
});
