// The real kubectl (when installed) reads the k8s tool's argv as meant: it is pointed, through the tool's own
// --kubeconfig/--context, at a stand-in API server on loopback that records the requests. Each verb must ask
// for exactly the object the input names (the name read after `--`, the namespace, the field selector, the log
// options). Skipped without kubectl; test/integration/builtin.k8s.test.ts covers the tool against recorded
// output everywhere.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k8sTool, type K8sOutput } from '../../engine/execution/tools/builtin';
import { onPath } from '../../engine/execution/tools/builtin/run';

const KUBECTL = onPath('kubectl');
const works = KUBECTL !== null && spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
const call = { key: 'k', workflowId: 'wf', stepId: 's', readOnly: true };

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), uid: `uid-${name}`, creationTimestamp: '2025-11-28T09:14:02Z', labels: { app: 'web' } });
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: meta('api-0', 'shop'), spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'registry.example.com/web:1' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 2, image: 'registry.example.com/web:1', imageID: '', state: { running: { startedAt: '2025-11-30T10:00:00Z' } } }] } };
const podList = { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [pod] };
const resource = (name: string, kind: string, namespaced = true, verbs = ['get', 'list']) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs });
const DISCOVERY: Record<string, unknown> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.4' },
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: ['apps', 'batch', 'metrics.k8s.io'].map((g) => {
      const version = g === 'metrics.k8s.io' ? 'v1beta1' : 'v1';
      return { name: g, versions: [{ groupVersion: `${g}/${version}`, version }], preferredVersion: { groupVersion: `${g}/${version}`, version } };
    }),
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [resource('pods', 'Pod'), { ...resource('pods/log', 'Pod'), singularName: '' }, resource('nodes', 'Node', false), resource('events', 'Event'), resource('persistentvolumeclaims', 'PersistentVolumeClaim'), resource('namespaces', 'Namespace', false)],
  },
  '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment'), resource('replicasets', 'ReplicaSet'), resource('statefulsets', 'StatefulSet'), resource('daemonsets', 'DaemonSet')] },
  '/apis/batch/v1': { kind: 'APIResourceList', groupVersion: 'batch/v1', resources: [resource('jobs', 'Job')] },
  '/apis/metrics.k8s.io/v1beta1': { kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1', resources: [resource('pods', 'PodMetrics'), resource('nodes', 'NodeMetrics', false)] },
};
const OBJECTS: Record<string, unknown> = {
  '/api/v1/namespaces/shop/pods/api-0': pod,
  '/api/v1/nodes/worker-1': { apiVersion: 'v1', kind: 'Node', metadata: meta('worker-1'), status: { capacity: { cpu: '4', memory: '16Gi' }, allocatable: { cpu: '4', memory: '16Gi' } } },
  '/api/v1/namespaces/shop/persistentvolumeclaims/data-0': { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data-0', 'shop'), spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Bound' } },
  '/apis/apps/v1/namespaces/shop/deployments/web': { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web', 'shop'), spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'registry.example.com/web:1' }] } } }, status: { replicas: 1 } },
  '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/api-0': { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'PodMetrics', metadata: meta('api-0', 'shop'), timestamp: '2025-11-30T10:00:00Z', window: '30s', containers: [{ name: 'app', usage: { cpu: '12m', memory: '200Mi' } }] },
  '/apis/metrics.k8s.io/v1beta1/nodes/worker-1': { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'NodeMetrics', metadata: meta('worker-1'), timestamp: '2025-11-30T10:00:00Z', window: '30s', usage: { cpu: '350m', memory: '3Gi' } },
};

const requests: string[] = [];
let server: http.Server;
let kubeconfig = '';
let savedHome: string | undefined;

beforeAll(async () => {
  if (!works) return;
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    url.searchParams.delete('timeout');
    const p = url.pathname;
    requests.push(`${p}${url.searchParams.size ? `?${url.searchParams}` : ''}`);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (p in DISCOVERY) return json(200, DISCOVERY[p]);
    if (p in OBJECTS) return json(200, OBJECTS[p]);
    if (p === '/api/v1/namespaces/shop/pods/api-0/log') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('2025-11-30T10:00:01Z hello from app\n');
      return;
    }
    if (p.endsWith('/events')) return json(200, { apiVersion: 'v1', kind: 'EventList', metadata: {}, items: [] });
    if (p === '/api/v1/namespaces/shop/pods' || p === '/api/v1/pods') return json(200, url.searchParams.has('labelSelector') ? podList : { ...podList, items: [] });
    if (/\/(replicasets|leases)/.test(p)) return json(200, { apiVersion: 'v1', kind: 'List', metadata: {}, items: [] });
    return json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${p} not found` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rba-kubeconfig-')), 'config');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'stand-in', cluster: { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } }],
      contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'u' } }],
      users: [{ name: 'u', user: {} }],
    }),
  );
  // kubectl keeps a discovery cache under HOME: a fresh one, so every run asks the stand-in.
  savedHome = process.env.HOME;
  process.env.HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-kubectl-home-'));
});

afterAll(async () => {
  if (!works) return;
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  fs.rmSync(process.env.HOME!, { recursive: true, force: true });
  process.env.HOME = savedHome;
});

async function run(input: Record<string, unknown>): Promise<{ out: K8sOutput; asked: string[] }> {
  const t = k8sTool({ workspace: path.dirname(kubeconfig), outputCapBytes: 65_536, passEnv: [], kubeconfig, context: 'stand-in' });
  const from = requests.length;
  const out = (await t.run(t.input.parse(input), new AbortController().signal, call)).output as K8sOutput;
  // Discovery is kubectl's own business; what is left names the objects it read.
  const asked = requests.slice(from).filter((r) => !(r.split('?')[0]! in DISCOVERY));
  return { out, asked };
}

describe.skipIf(!works)(`the real kubectl reads the k8s tool's argv as meant${works ? '' : ' (skipped: no working kubectl on PATH)'}`, { timeout: 120_000 }, () => {
  it('get and describe ask for the object the name after -- names, in its namespace', async () => {
    const get = await run({ verb: 'get', kind: 'pod', name: 'api-0', namespace: 'shop' });
    expect(get.out.exitCode, get.out.stderr).toBe(0);
    expect(get.asked[0]).toBe('/api/v1/namespaces/shop/pods/api-0');
    const node = await run({ verb: 'describe', kind: 'node', name: 'worker-1' });
    expect(node.out.exitCode, node.out.stderr).toBe(0);
    expect(node.asked[0]).toBe('/api/v1/nodes/worker-1');
    expect(node.out.stdout).toMatch(/^Name:\s+worker-1/);
    const pvc = await run({ verb: 'get', kind: 'persistentvolumeclaim', name: 'data-0', namespace: 'shop' });
    expect(pvc.asked[0]).toBe('/api/v1/namespaces/shop/persistentvolumeclaims/data-0');
    const deploy = await run({ verb: 'get', kind: 'deployment', name: 'web', namespace: 'shop' });
    expect(deploy.asked[0]).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
  });

  it('logs: the container, tail, timestamps and --previous become the log request', async () => {
    const one = await run({ verb: 'logs', kind: 'pod', name: 'api-0', namespace: 'shop', container: 'app', tail: 50, previous: true });
    expect(one.out.exitCode, one.out.stderr).toBe(0);
    expect(one.asked).toContain('/api/v1/namespaces/shop/pods/api-0/log?container=app&previous=true&tailLines=50&timestamps=true');
    expect(one.out.stdout).toContain('hello from app');
    // if-restarted: the pod's JSON says 2 restarts, so the previous logs are read too.
    const auto = await run({ verb: 'logs', kind: 'pod', name: 'api-0', namespace: 'shop', previous: 'if-restarted' });
    expect(auto.out).toMatchObject({ exitCode: 0, restarts: 2, previous: { exitCode: 0 } });
    expect(auto.asked).toContain('/api/v1/namespaces/shop/pods/api-0/log?container=app&tailLines=200&timestamps=true');
    expect(auto.asked).toContain('/api/v1/namespaces/shop/pods/api-0/log?container=app&previous=true&tailLines=200&timestamps=true');
    // A controller's logs: kubectl finds its pod by the selector.
    const dep = await run({ verb: 'logs', kind: 'deployment', name: 'web', namespace: 'shop' });
    expect(dep.out.exitCode, dep.out.stderr).toBe(0);
    expect(dep.asked[0]).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
  });

  it('events: the field selector, in the namespace or (a node) in all of them', async () => {
    const podEvents = await run({ verb: 'events', kind: 'pod', name: 'api-0', namespace: 'shop' });
    expect(podEvents.out.exitCode, podEvents.out.stderr).toBe(0);
    expect(podEvents.asked[0]).toMatch(/^\/api\/v1\/namespaces\/shop\/events\?fieldSelector=involvedObject\.kind%3DPod%2CinvolvedObject\.name%3Dapi-0/);
    const nodeEvents = await run({ verb: 'events', kind: 'node', name: 'worker-1' });
    expect(nodeEvents.out.exitCode, nodeEvents.out.stderr).toBe(0);
    expect(nodeEvents.asked[0]).toMatch(/^\/api\/v1\/events\?fieldSelector=involvedObject\.kind%3DNode%2CinvolvedObject\.name%3Dworker-1/);
  });

  it('top: the metrics of the pod and the node', async () => {
    const p = await run({ verb: 'top', kind: 'pod', name: 'api-0', namespace: 'shop' });
    expect(p.out.exitCode, p.out.stderr).toBe(0);
    expect(p.asked).toContain('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/api-0');
    expect(p.out.stdout).toMatch(/api-0\s+app\s+12m\s+200Mi/);
    const n = await run({ verb: 'top', kind: 'node', name: 'worker-1' });
    expect(n.out.exitCode, n.out.stderr).toBe(0);
    expect(n.asked).toContain('/apis/metrics.k8s.io/v1beta1/nodes/worker-1');
  });
});
