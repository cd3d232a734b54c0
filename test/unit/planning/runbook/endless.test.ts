// A runbook command that never ends (`journalctl -f`, found in OpenShift's KubeletDown runbook) is written for a
// person at a terminal. Run by the engine it would hold a worker until its deadline and fail half-read; it
// becomes a checklist item that shows the exact command and why, and the plan's other steps are unchanged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../../engine/control/alert';
import { context, plan, toolsNamed } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-endless-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(
  path.join(dir, 'KubeletDown.md'),
  [
    '# KubeletDown',
    '## Diagnosis',
    '```sh',
    'oc describe node $NODE',
    '```',
    'Watch the kubelet on the node:',
    '```sh',
    'journalctl -b -f -u kubelet.service',
    '```',
    '```sh',
    'journalctl -b -u kubelet.service --no-pager -n 200',
    '```',
    '## Mitigation',
    '```sh',
    'systemctl restart kubelet && journalctl -fu kubelet',
    '```',
    '',
  ].join('\n'),
);

describe('a command that never ends', () => {
  it('is a checklist item with the command and the reason, not a step the engine runs', async () => {
    const alert = normalizeAlerts({ alertname: 'KubeletDown', labels: { node: 'worker-3' } })[0]!;
    const { steps } = await plan(context(dir, { tools: toolsNamed('shell', 'ask_person', 'checklist') }), alert);
    const shell = steps.filter((s) => s.tool === 'shell').map((s) => s.input.command);
    expect(shell).toContain('oc describe node worker-3');
    expect(shell).toContain('journalctl -b -u kubelet.service --no-pager -n 200');
    expect(shell.some((c) => c?.includes(' -f '))).toBe(false);
    const todo = steps.find((s) => s.tool === 'checklist' && s.input.item?.includes('journalctl -b -f -u kubelet.service'));
    expect(todo).toMatchObject({ phase: 'diagnose', risk: 'read', approval: false });
    expect(todo!.input.item).toBe(
      'Run `journalctl -b -f -u kubelet.service` yourself where it applies, and stop it once you have seen enough: `journalctl` follows the journal until stopped, so the engine does not run it.',
    );
    expect(todo!.rationale).toMatch(/a person runs it: `journalctl` follows the journal until stopped/);
    // One that also writes says so: no approval card will show its risk.
    const restart = steps.find((s) => s.tool === 'checklist' && s.input.item?.includes('systemctl restart kubelet'));
    expect(restart).toMatchObject({ phase: 'mitigate', approval: false });
    expect(restart!.input.item).toMatch(/so the engine does not run it\. It also writes: .*systemctl/);
  });
});
