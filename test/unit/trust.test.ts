import { describe, expect, it } from 'vitest';
import { ExecutionRefused, TrustGate } from '../../engine/control/trust';

describe('TrustGate', () => {
  it('refuses execution until the workspace is trusted, with a message that says how to fix it', () => {
    const gate = new TrustGate();
    expect(() => gate.assertMayExecute('shell: df -h')).toThrow(ExecutionRefused);
    expect(() => gate.assertMayExecute('shell: df -h')).toThrow(/shell: df -h was not run: this workspace is in Restricted Mode.*Manage Workspace Trust/);
    gate.set(true);
    expect(() => gate.assertMayExecute('shell: df -h')).not.toThrow();
    gate.set(false);
    expect(() => gate.assertMayExecute('shell: df -h')).toThrow(ExecutionRefused);
  });

  it('starts from the trust the extension reported', () => {
    expect(new TrustGate(true).trusted).toBe(true);
    expect(new TrustGate(false).trusted).toBe(false);
  });
});
