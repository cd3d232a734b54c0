import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeText, Recordings, replayKey, replayTools } from '../../../engine/entry/eval/replay';
import { evalTools } from '../../../engine/entry/eval/run';
import { CaseFile } from '../../../engine/entry/eval/schema';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import type { AnyTool } from '../../../engine/control/workflow/tool';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-replay-'));
afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

function layer(recordings: unknown[], real = evalTools(workspace)) {
  const spec = CaseFile.parse({ title: 't', tags: ['easy'], alert: {}, runbooks: ['x.md'], recordings });
  const r = new Recordings(spec.recordings, (f) => (f === 'out.txt' ? 'from a file\n' : ''));
  const tools = replayTools(real, r);
  const tool = (name: string) => tools.find((t) => t.name === name) as AnyTool;
  const call = { key: 'k', workflowId: 'w', stepId: 's' };
  return { r, tool, run: (name: string, input: unknown) => tool(name).run(input, new AbortController().signal, call) };
}

describe('the replaying tool layer', () => {
  it('keeps every tool the engine has, with its own schema, risk assessment and description', () => {
    const real = evalTools(workspace);
    const { tool } = layer([], real);
    for (const t of real) {
      const replayed = tool(t.name);
      expect(replayed.input).toBe(t.input);
      expect(replayed.risk).toBe(t.risk);
    }
    expect(real.map((t) => t.name)).toEqual(expect.arrayContaining(['shell', 'promql_query', 'ask_person', 'checklist', 'k8s', 'host', 'prometheus_alert']));
    expect(tool('shell').assess!({ command: "sed -i 's/a/b/' f" }).risk).toBe('write');
    expect(tool('shell').assess!({ command: 'grep -c ERROR logs/app.log' }).risk).toBe('read');
  });

  it('answers a command from its recording, matched after whitespace normalisation, in the shell tool\'s shape', async () => {
    const { run, r } = layer([
      { command: 'grep -c ERROR logs/app.log\n  grep -c . logs/app.log', stdout: '50\n200\n', stderr: 'warn\n', exitCode: 1 },
      { command: 'cat x', stdoutFile: 'out.txt' },
    ]);
    const out = (await run('shell', { command: '  grep -c ERROR   logs/app.log\ngrep -c . logs/app.log' })).output;
    expect(out).toEqual({ exitCode: 1, signal: null, stdout: '50\n200\n', stderr: 'warn\n', truncated: false, durationMs: 0, sandbox: 'none' });
    expect((await run('shell', { command: 'cat x' })).output).toMatchObject({ stdout: 'from a file\n', exitCode: 0 });
    expect(r.calls.map((c) => c.recorded)).toEqual([true, true]);
  });

  it('answers the k8s built-in from a command recording of its kubectl line, and PromQL in the PromQL tool\'s shape', async () => {
    const { run } = layer([
      { command: 'kubectl --namespace=shop get pod -o wide -- api-0', stdout: 'NAME ...\n' },
      { query: 'up == 0', result: [{ metric: { job: 'a' }, value: [1, '0'] }] },
    ]);
    expect((await run('k8s', { verb: 'get', kind: 'pod', name: 'api-0', namespace: 'shop' })).output).toMatchObject({ stdout: 'NAME ...\n', exitCode: 0 });
    expect((await run('promql_query', { query: 'up   ==  0' })).output).toEqual({ resultType: 'vector', series: 1, result: [{ metric: { job: 'a' }, value: [1, '0'] }], truncated: false });
  });

  it('refuses a call it has no recording for with a permanent error, and counts it', async () => {
    const { run, r } = layer([{ command: 'ls', stdout: '' }]);
    const refused = await run('shell', { command: 'rm -rf /' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClassifiedError);
    expect((refused as ClassifiedError).failureClass).toBe('permanent');
    expect((refused as Error).message).toContain('no recording for shell input "rm -rf /"');
    expect(r.unrecorded).toEqual([{ tool: 'shell', input: 'rm -rf /', recorded: false }]);
  });

  it('redacts a recorded secret the way real tool output is redacted before it is stored', async () => {
    const { run } = layer([{ command: 'env', stdout: 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789\n' }]);
    const out = (await run('shell', { command: 'env' })).output as { stdout: string };
    expect(out.stdout).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('normalises whitespace only', () => {
    expect(normalizeText('  a\n\tb   c ')).toBe('a b c');
    expect(normalizeText("grep 'a  b'")).toBe("grep 'a b'");
  });
});

describe('a kubectl namespace in any place is one command', () => {
  it('moves -n / --namespace right after the program, in each command of a pipeline, never past `--`', () => {
    const key = 'oc -n shop top pod shop-api-0';
    expect(replayKey('oc top pod shop-api-0 -n shop')).toBe(key);
    expect(replayKey('oc  top pod  shop-api-0\n --namespace=shop')).toBe(key);
    expect(replayKey(key)).toBe(key);
    expect(replayKey('kubectl logs x -n a | grep y | kubectl get pods --namespace b')).toBe('kubectl -n a logs x | grep y | kubectl -n b get pods');
    // After `--` the words belong to the program kubectl runs.
    expect(replayKey('kubectl exec web-0 -- ls -n /tmp')).toBe('kubectl exec web-0 -- ls -n /tmp');
    expect(replayKey('grep -n x file')).toBe('grep -n x file');
  });

  it('takes the same command recorded twice with the same output, and refuses two outputs for it', () => {
    const same = [{ command: 'oc top pod x -n shop', stdout: 'a' }, { command: 'oc -n shop top pod x', stdout: 'a' }];
    expect(layer(same).r.size).toBe(1);
    expect(() => layer([{ command: 'oc top pod x -n shop', stdout: 'a' }, { command: 'oc -n shop top pod x', stdout: 'b' }])).toThrow(/two recordings for command "oc -n shop top pod x" with different outputs/);
  });
});
