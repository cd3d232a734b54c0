// The k8s toolset against a recorded kubectl (test/fixtures/kubectl: Kubernetes cannot run here). The recording
// answers only exact argv, so each passing call proves the tool ran precisely the recorded command line; it runs
// confined (bubblewrap) where this machine has the sandbox, as the engine runs it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../engine/control/alert';
import { sandboxStatus } from '../../engine/execution/sandbox';
import { builtinAvailability, builtinDiagnostics, k8sTool, kubernetesStatus, resetKubernetesStatus, type K8sOutput } from '../../engine/execution/tools/builtin';
import { createTools } from '../../engine/execution/tools/catalogue';
import { TOOL } from '../../engine/execution/tools/names';
import { tempDir } from '../helpers/tmp';

const FIXTURE = path.resolve('test/fixtures/kubectl');
const KUBECONFIG = path.join(FIXTURE, 'kubeconfig.yaml');
const POD = 'checkout-7c9f8b6d4-x2x9q';
const call = { key: 'k', workflowId: 'wf', stepId: 's', readOnly: true };
const confined = sandboxStatus().available ? 'bubblewrap' : 'none';

let savedPath: string | undefined;
beforeAll(() => {
  savedPath = process.env.PATH;
  process.env.PATH = `${FIXTURE}:${process.env.PATH}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
  resetKubernetesStatus();
});
beforeEach(() => resetKubernetesStatus());

function tool(conn: { kubeconfig?: string; context?: string } = {}) {
  const t = k8sTool({ workspace: tempDir('rba-k8s-'), outputCapBytes: 65_536, passEnv: [], ...conn });
  return async (input: Record<string, unknown>): Promise<K8sOutput> => (await t.run(t.input.parse(input), new AbortController().signal, call)).output as K8sOutput;
}

describe('the recorded kubectl itself', () => {
  it('refuses any verb it does not know, and any argv it has no recording for', () => {
    const run = (...args: string[]) => spawnSync(path.join(FIXTURE, 'kubectl'), args, { encoding: 'utf8' });
    for (const verb of ['delete', 'apply', 'exec', 'edit', 'scale', 'drain']) {
      const r = run('--namespace=shop', verb, 'pod', POD);
      expect(r.status, verb).toBe(3);
      expect(r.stderr).toContain(`refusing verb "${verb}"`);
    }
    expect(run('-n', 'shop', 'get', 'pod', POD, '-o', 'wide').status).toBe(3); // `shop` would be the verb: not how the tool calls it
    expect(run('--namespace=shop', 'get', 'pod', POD, '-o', 'wide')).toMatchObject({ status: 2, stderr: expect.stringContaining('no recording for') });
    expect(run('--context=prod', 'config', 'current-context')).toMatchObject({ status: 1 });
  });
});

describe('k8s: is there a cluster?', () => {
  it('kubectl on PATH and a current context: available', () => {
    expect(kubernetesStatus({})).toEqual({ available: true, context: 'fixture-context' });
    expect(kubernetesStatus({ context: 'fixture-context', kubeconfig: KUBECONFIG })).toEqual({ available: true, context: 'fixture-context' });
    expect(kubernetesStatus({ context: 'staging' })).toMatchObject({ available: false, problem: expect.stringContaining('kubectl has no context staging') });
  });

  it('registered by createTools only when it answers; the context and kubeconfig come from the options', () => {
    const ws = tempDir('rba-k8s-');
    expect(createTools({ workspace: ws }).map((t) => t.name)).toContain(TOOL.k8s);
    expect(createTools({ workspace: ws, kubeContext: 'staging' }).map((t) => t.name)).not.toContain(TOOL.k8s);
    const saved = process.env.PATH;
    process.env.PATH = tempDir('rba-empty-path-');
    try {
      expect(kubernetesStatus({})).toEqual({ available: false, problem: 'kubectl is not on PATH' });
      expect(createTools({ workspace: ws }).map((t) => t.name)).not.toContain(TOOL.k8s);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('k8s: each verb against the recording', () => {
  it('get -o wide, describe, events and top of a pod', async () => {
    const run = tool();
    const get = await run({ verb: 'get', kind: 'pod', name: POD, namespace: 'shop' });
    expect(get).toMatchObject({ exitCode: 0, argv: ['kubectl', '--namespace=shop', 'get', 'pod', '-o', 'wide', '--', POD], sandbox: confined });
    expect(get.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(get.stdout).toContain('3 (12m ago)');
    const describeOut = await run({ verb: 'describe', kind: 'pod', name: POD, namespace: 'shop' });
    expect(describeOut.stdout).toContain('Reason:       OOMKilled');
    const events = await run({ verb: 'events', kind: 'pod', name: POD, namespace: 'shop' });
    expect(events).toMatchObject({ exitCode: 0 });
    expect(events.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    const top = await run({ verb: 'top', kind: 'pod', name: POD, namespace: 'shop' });
    expect(top.stdout).toContain('219Mi');
  });

  it('logs: the previous container too when the pod has restarted, redacted', async () => {
    const run = tool();
    const out = await run({ verb: 'logs', kind: 'pod', name: POD, namespace: 'shop', previous: 'if-restarted' });
    expect(out).toMatchObject({ exitCode: 0, restarts: 3, previous: { exitCode: 0, argv: expect.arrayContaining(['--previous']) } });
    expect(out.stdout).toContain('starting checkout');
    expect(out.stdout).not.toContain('s3cr3t-pa55');
    expect(out.stdout).toContain('postgres://checkout:[REDACTED:password]@postgres.shop:5432/orders');
    expect(out.previous!.stdout).toContain('allocation failed');
    // No restarts: no --previous call (the recording has none for postgres-0).
    const pg = await run({ verb: 'logs', kind: 'pod', name: 'postgres-0', namespace: 'shop', container: 'postgres', tail: 50, previous: 'if-restarted' });
    expect(pg).toMatchObject({ exitCode: 0, restarts: 0 });
    expect(pg.previous).toBeUndefined();
    expect(pg.stdout).toContain('checkpoint complete');
  });

  it('a node: get, describe, events across namespaces; top says metrics-server did not answer', async () => {
    const run = tool();
    expect((await run({ verb: 'get', kind: 'node', name: 'worker-1' })).stdout).toContain('v1.32.4');
    expect((await run({ verb: 'describe', kind: 'node', name: 'worker-1' })).stdout).toContain('DiskPressure     True');
    expect((await run({ verb: 'events', kind: 'node', name: 'worker-1' })).stdout).toMatch(/^NAMESPACE\s+LAST SEEN/);
    const top = await run({ verb: 'top', kind: 'node', name: 'worker-1' });
    expect(top).toMatchObject({ exitCode: 1, stderr: 'error: Metrics API not available\n', note: 'metrics-server did not answer: kubectl top needs it' });
  });

  it('a claim, a deployment, and what kubectl says when there is nothing', async () => {
    const run = tool();
    expect((await run({ verb: 'get', kind: 'persistentvolumeclaim', name: 'data-postgres-0', namespace: 'shop' })).stdout).toContain('Bound');
    expect((await run({ verb: 'describe', kind: 'persistentvolumeclaim', name: 'data-postgres-0', namespace: 'shop' })).stdout).toContain('Used By:       postgres-0');
    expect(await run({ verb: 'events', kind: 'persistentvolumeclaim', name: 'data-postgres-0', namespace: 'shop' })).toMatchObject({ exitCode: 0, stdout: '', stderr: 'No resources found in shop namespace.\n' });
    expect((await run({ verb: 'get', kind: 'deployment', name: 'checkout', namespace: 'shop' })).stdout).toContain('1/1');
    expect(await run({ verb: 'get', kind: 'pod', name: 'missing-0', namespace: 'shop' })).toMatchObject({ exitCode: 1, stderr: 'Error from server (NotFound): pods "missing-0" not found\n' });
  });

  it('with the kubeconfig and context from the settings, they lead the argv', async () => {
    const run = tool({ kubeconfig: KUBECONFIG, context: 'fixture-context' });
    const out = await run({ verb: 'get', kind: 'pod', name: POD, namespace: 'shop' });
    expect(out).toMatchObject({ exitCode: 0, argv: ['kubectl', `--kubeconfig=${KUBECONFIG}`, '--context=fixture-context', '--namespace=shop', 'get', 'pod', '-o', 'wide', '--', POD] });
  });
});

describe('k8s: what builtinDiagnostics picks for an alert, run as planned', () => {
  it('every step the labels fill runs against the recording', async () => {
    const ws = tempDir('rba-k8s-');
    const tools = createTools({ workspace: ws });
    const k8s = tools.find((t) => t.name === TOOL.k8s)!;
    const [alert] = normalizeAlerts({ labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: POD, node: 'worker-1', persistentvolumeclaim: 'data-postgres-0', job: 'kube-state-metrics' } }, 'test');
    const steps = builtinDiagnostics(alert!, builtinAvailability(tools)).filter((s) => s.tool === TOOL.k8s);
    expect(steps.map((s) => s.id)).toEqual([
      'builtin-k8s-get-pod', 'builtin-k8s-describe-pod', 'builtin-k8s-logs-pod', 'builtin-k8s-events-pod', 'builtin-k8s-top-pod',
      'builtin-k8s-get-pvc', 'builtin-k8s-describe-pvc', 'builtin-k8s-events-pvc',
      'builtin-k8s-get-node', 'builtin-k8s-describe-node', 'builtin-k8s-events-node', 'builtin-k8s-top-node',
    ]);
    for (const s of steps) {
      const out = (await k8s.run(k8s.input.parse(s.input), new AbortController().signal, call)).output as K8sOutput;
      // Every argv was recorded (a missing recording exits 2, a refused verb 3); top node is the recorded metrics error.
      expect(out.exitCode, `${s.id}: ${out.stderr}`).toBe(s.id === 'builtin-k8s-top-node' ? 1 : 0);
      expect(k8s.describe!(k8s.input.parse(s.input))).toContain('kubectl ');
    }
  });
});
