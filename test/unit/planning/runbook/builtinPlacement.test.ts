// Where the runbook planner puts the built-in diagnostics: after the runbook's diagnostics that run on their own,
// before the first step that waits for a person. Found with a public runbook (ODFNodeMTULessThan9000, whose
// Diagnosis asks for a node name and then runs `oc debug`): the built-ins came after the question and the write,
// so Prometheus was not asked anything until a person answered and approved.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../../engine/control/alert';
import { context, plan, toolsNamed } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-builtins-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

write(
  'NodeMtuLow.md',
  [
    '# NodeMtuLow',
    '## Diagnosis',
    '```sh',
    'ip -o link show',
    '```',
    '```sh',
    'ssh <node-name> ip link show',
    '```',
    '```sh',
    'systemctl restart networking',
    '```',
    '## Mitigation',
    '```sh',
    'ip link set dev eth0 mtu 9000',
    '```',
    '',
  ].join('\n'),
);
write('NodeFirstWrite.md', ['# NodeFirstWrite', '## Diagnosis', '```sh', 'systemctl restart networking', '```', '```sh', 'ip -o link show', '```', ''].join('\n'));

const TOOLS = toolsNamed('shell', 'promql_query', 'ask_person', 'prometheus_alert');
const alert = (alertname: string) =>
  normalizeAlerts({ labels: { alertname, severity: 'info' }, annotations: { runbook_url: `${alertname}.md`, expr: 'node_network_mtu_bytes < 9000' } })[0]!;
const BUILTINS = ['builtin-prometheus-now', 'builtin-prometheus-window', 'builtin-prometheus-selectors', 'builtin-prometheus-history'];

describe('built-in diagnostics in a runbook plan', () => {
  it('run before the first question: after the reads that run on their own, ahead of what waits for a person', async () => {
    const { steps } = await plan(context(dir, { tools: TOOLS, search: async () => [] }), alert('NodeMtuLow'));
    expect(steps.map((s) => s.id)).toEqual(['diagnosis-1', ...BUILTINS, 'ask-node', 'diagnosis-2', 'diagnosis-3', 'mitigation-1', 'verify-alert-expression']);
    expect(steps.filter((s) => s.id.startsWith('builtin-')).every((s) => s.phase === 'diagnose' && s.risk === 'read' && !s.approval)).toBe(true);
  });

  it('run before a write the runbook puts first in its diagnosis', async () => {
    const { steps } = await plan(context(dir, { tools: TOOLS, search: async () => [] }), alert('NodeFirstWrite'));
    expect(steps[0]!.id).toBe(BUILTINS[0]);
    expect(steps.map((s) => s.id)).toEqual([...BUILTINS, 'diagnosis-1', 'diagnosis-2', 'verify-alert-expression']);
    expect(steps[BUILTINS.length]).toMatchObject({ risk: 'write' });
  });
});
