// The exact argv each built-in runs, how it is confined, and that no shell is involved.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { programNeeds, sandboxArgv, type FsView } from '../../../../engine/execution/sandbox';
import { hostArgv, largest } from '../../../../engine/execution/tools/builtin/host';
import { describeK8s, k8sArgv, k8sRestartsArgv, restartCount, type K8sInput } from '../../../../engine/execution/tools/builtin/k8s';
import { runArgv } from '../../../../engine/execution/tools/builtin/run';
import { runProcess } from '../../../../engine/execution/tools/process';
import { tempDir } from '../../../helpers/tmp';

const pod = (extra: Partial<K8sInput> = {}): K8sInput => ({ verb: 'get', kind: 'pod', name: 'api-0', namespace: 'web', ...extra });
const NONE = {};
const CONN = { kubeconfig: '/home/op/.kube/prod', context: 'prod-eu' };

describe('k8s argv', () => {
  it('each verb: values joined to their flags, the name after --', () => {
    expect(k8sArgv(pod(), NONE)).toEqual(['kubectl', '--namespace=web', 'get', 'pod', '-o', 'wide', '--', 'api-0']);
    expect(k8sArgv(pod({ verb: 'describe' }), NONE)).toEqual(['kubectl', '--namespace=web', 'describe', 'pod', '--', 'api-0']);
    expect(k8sArgv(pod({ verb: 'logs' }), NONE)).toEqual(['kubectl', '--namespace=web', 'logs', '--tail=200', '--all-containers=true', '--prefix=true', '--timestamps=true', '--', 'api-0']);
    expect(k8sArgv(pod({ verb: 'logs', container: 'app', tail: 50, previous: true }), NONE)).toEqual(['kubectl', '--namespace=web', 'logs', '--tail=50', '--container=app', '--timestamps=true', '--previous', '--', 'api-0']);
    expect(k8sArgv(pod({ verb: 'logs', kind: 'deployment', name: 'api' }), NONE).slice(-2)).toEqual(['--', 'deployment/api']);
    expect(k8sArgv(pod({ verb: 'events' }), NONE)).toEqual(['kubectl', '--namespace=web', 'get', 'events', '--field-selector=involvedObject.kind=Pod,involvedObject.name=api-0', '--sort-by=.metadata.creationTimestamp']);
    expect(k8sArgv(pod({ verb: 'top' }), NONE)).toEqual(['kubectl', '--namespace=web', 'top', 'pod', '--containers=true', '--', 'api-0']);
    expect(k8sArgv({ verb: 'top', kind: 'node', name: 'worker-1' }, NONE)).toEqual(['kubectl', 'top', 'node', '--', 'worker-1']);
    expect(k8sArgv({ verb: 'events', kind: 'node', name: 'worker-1' }, NONE)).toEqual(['kubectl', 'get', 'events', '--all-namespaces', '--field-selector=involvedObject.kind=Node,involvedObject.name=worker-1', '--sort-by=.metadata.creationTimestamp']);
    expect(k8sArgv(pod({ verb: 'events', kind: 'persistentvolumeclaim', name: 'data-0' }), NONE)[4]).toBe('--field-selector=involvedObject.kind=PersistentVolumeClaim,involvedObject.name=data-0');
  });

  it('--kubeconfig and --context come first, only from the settings', () => {
    expect(k8sArgv(pod(), CONN)).toEqual(['kubectl', '--kubeconfig=/home/op/.kube/prod', '--context=prod-eu', '--namespace=web', 'get', 'pod', '-o', 'wide', '--', 'api-0']);
    expect(k8sRestartsArgv(pod({ verb: 'logs', previous: 'if-restarted' }), CONN)).toEqual(['kubectl', '--kubeconfig=/home/op/.kube/prod', '--context=prod-eu', '--namespace=web', 'get', 'pod', '-o', 'json', '--', 'api-0']);
  });

  it('describe() says exactly what runs', () => {
    expect(describeK8s(pod(), NONE)).toBe('kubectl --namespace=web get pod -o wide -- api-0');
    expect(describeK8s(pod({ verb: 'logs', previous: 'if-restarted' }), NONE)).toBe(
      'kubectl --namespace=web get pod -o json -- api-0 (the restart count), then kubectl --namespace=web logs --tail=200 --all-containers=true --prefix=true --timestamps=true -- api-0, and kubectl --namespace=web logs --tail=200 --all-containers=true --prefix=true --timestamps=true --previous -- api-0 when it has restarted',
    );
  });

  it('restart counts from the pod JSON', () => {
    const json = JSON.stringify({ status: { containerStatuses: [{ name: 'app', restartCount: 3 }, { name: 'sidecar', restartCount: 1 }] } });
    expect(restartCount(json)).toBe(4);
    expect(restartCount(json, 'app')).toBe(3);
    expect(restartCount(json, 'other')).toBeNull();
    expect(restartCount('{"status":{}}')).toBeNull();
    expect(restartCount('not json')).toBeNull();
  });
});

describe('host argv', () => {
  it('each operation', () => {
    expect(hostArgv({ op: 'df' })).toEqual(['df', '-h']);
    expect(hostArgv({ op: 'df', path: '/var' })).toEqual(['df', '-h', '--', '/var']);
    expect(hostArgv({ op: 'df-inodes', path: '/' })).toEqual(['df', '-i', '--', '/']);
    expect(hostArgv({ op: 'du', path: '/var/log' })).toEqual(['du', '-x', '-k', '--max-depth=1', '--', '/var/log']);
    expect(hostArgv({ op: 'free' })).toEqual(['free', '-m']);
    expect(hostArgv({ op: 'uptime' })).toEqual(['uptime']);
    expect(hostArgv({ op: 'systemd-status', unit: 'nginx.service' })).toEqual(['systemctl', 'status', '--no-pager', '--full', '--lines=20', '--', 'nginx.service']);
    expect(hostArgv({ op: 'journal', unit: 'nginx', since: '2h', lines: 50 })).toEqual(['journalctl', '--no-pager', '--unit=nginx', '--since=-2h', '--lines=50', '--output=short-iso']);
  });

  it('du lines, largest first, sized like du -h', () => {
    expect(largest('4\t/var/a\n1572864\t/var/b\n12288\t/var/c d\n0\t/var/e\ndu: cannot read directory\n2202010\t/var\n1536\t/var/f\n')).toEqual([
      { size: '2.1G', path: '/var' },
      { size: '1.5G', path: '/var/b' },
      { size: '12M', path: '/var/c d' },
      { size: '1.5M', path: '/var/f' },
      { size: '4K', path: '/var/a' },
      { size: '0', path: '/var/e' },
    ]);
  });
});

describe('the sandbox for a fixed argv', () => {
  const fsView: FsView = { realpath: (p) => (['/srv/ws', '/home/op', '/run'].includes(p) ? p : null), isRealDirectory: () => false, isSymlink: () => false };
  const base = { workspace: '/srv/ws', home: '/home/op', uid: 0 };

  it('runs the argv itself after --, granted what the program name needs (kubectl: the network)', () => {
    const a = sandboxArgv({ ...base, argv: ['kubectl', 'get', 'pod', '--', 'a b'], needs: programNeeds('kubectl') }, fsView);
    expect(a.slice(a.indexOf('--'))).toEqual(['--', 'kubectl', 'get', 'pod', '--', 'a b']);
    expect(a).not.toContain('--unshare-net');
    expect(a.join(' ')).toContain('--ro-bind-try /run/secrets/kubernetes.io/serviceaccount');
    expect(programNeeds('/usr/bin/kubectl').network).toBe(true);
    expect(programNeeds('/opt/x/kubectl').network).toBe(false); // outside the system folders: nothing
    const df = sandboxArgv({ ...base, argv: ['free', '-m'], needs: programNeeds('free') }, fsView);
    expect(df).toContain('--unshare-net');
    const sys = sandboxArgv({ ...base, argv: ['systemctl', 'status', '--', 'x'], needs: programNeeds('systemctl') }, fsView).join(' ');
    expect(sys).toContain('--ro-bind-try /run/systemd/private /run/systemd/private');
    expect(sys).toContain('--ro-bind-try /run/dbus/system_bus_socket');
  });

  it('hostMounts: the host /tmp, /run and /dev (read-only) for disk reports, still no network', () => {
    const a = sandboxArgv({ ...base, argv: ['df', '-h'], needs: programNeeds('df'), hostMounts: true }, fsView);
    expect(a).not.toContain('--tmpfs');
    expect(a).not.toContain('--dev');
    expect(a).toContain('--unshare-net');
    expect(a.join(' ')).toContain('--ro-bind / /');
    expect(a.join(' ')).not.toContain('/run/utmp');
    const normal = sandboxArgv({ ...base, argv: ['df', '-h'], needs: programNeeds('df') }, fsView).join(' ');
    expect(normal).toContain('--tmpfs /tmp');
    expect(normal).toContain('--dev /dev');
  });

  it('a shell step builds the same arguments either way', () => {
    const needs = programNeeds('ls');
    expect(sandboxArgv({ ...base, argv: ['/bin/bash', '-c', 'ls'], needs }, fsView)).toEqual(sandboxArgv({ ...base, command: 'ls', shell: '/bin/bash', needs }, fsView));
  });
});

describe('runProcess / runArgv: no shell', () => {
  it('shell syntax in an argument is one literal argument', async () => {
    const cwd = tempDir('rba-argv-');
    const out = await runProcess({ file: 'printf', args: ['%s|', '$(touch pwned)', 'a b', '; rm -rf /'] }, new AbortController().signal, { cwd, env: { PATH: process.env.PATH }, outputCapBytes: 1000 });
    expect(out).toMatchObject({ exitCode: 0, stdout: '$(touch pwned)|a b|; rm -rf /|', sandbox: 'none' });
    expect(fs.existsSync(path.join(cwd, 'pwned'))).toBe(false);
  });

  it('a program that is not there is a permanent failure; the output is redacted and carries the argv', async () => {
    const cwd = tempDir('rba-argv-');
    await expect(runProcess({ file: 'rba-no-such-program', args: [] }, new AbortController().signal, { cwd, env: { PATH: '/usr/bin:/bin' }, outputCapBytes: 1000 })).rejects.toThrow(/could not start rba-no-such-program/);
    const out = await runArgv(['echo', 'DB_PASSWORD=hunter2-hunter2'], new AbortController().signal, { workspace: cwd, outputCapBytes: 1000, passEnv: [], sandbox: () => ({ available: false, kind: 'none', problem: 'test' }) });
    expect(out).toMatchObject({ argv: ['echo', 'DB_PASSWORD=hunter2-hunter2'], stdout: 'DB_PASSWORD=[REDACTED:password]\n', sandbox: 'none' });
  });
});
