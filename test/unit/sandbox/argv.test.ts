import { describe, expect, it } from 'vitest';
import { commandNeeds, sandboxArgv, type FsView } from '../../../engine/execution/sandbox';

/** A described machine: `dirs` exist as real folders, `links` are symlinks to their target. */
function machine(dirs: string[], links: Record<string, string> = {}): FsView {
  const resolve = (p: string): string => {
    for (const [from, to] of Object.entries(links)) if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
    return p;
  };
  return {
    realpath: (p) => {
      const r = resolve(p);
      return dirs.includes(r) || Object.keys(links).includes(p) ? r : null;
    },
    isRealDirectory: (p) => dirs.includes(p) && resolve(p) === p,
    isSymlink: (p) => Object.keys(links).includes(p),
  };
}

const HOME = '/home/op';
const WS = '/srv/runbooks';
const debian = machine([HOME, `${HOME}/.cache`, `${HOME}/.kube/cache`, WS, '/run/systemd/resolve/stub-resolv.conf', '/run'], {
  '/var/run': '/run',
  '/etc/resolv.conf': '/run/systemd/resolve/stub-resolv.conf',
});

function argv(command: string, options: { uid?: number; fs?: FsView; home?: string; workspace?: string; tmpfsSize?: boolean } = {}) {
  return sandboxArgv(
    { command, shell: '/bin/bash', workspace: options.workspace ?? WS, home: options.home ?? HOME, uid: options.uid ?? 0, needs: commandNeeds(command), tmpfsSize: options.tmpfsSize },
    options.fs ?? debian,
  );
}

/** `--flag VALUE…` pairs as strings, for readable assertions. */
function pairs(args: string[], flag: string, arity = 1): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a === flag) out.push(args.slice(i + 1, i + 1 + arity).join(' '));
  });
  return out;
}

describe('sandbox argv', () => {
  it('the whole filesystem read-only, fresh /dev and /proc, private /tmp and /run, the command last', () => {
    const a = argv('du -sh logs/');
    expect(pairs(a, '--ro-bind', 2)).toEqual(['/ /']);
    expect(pairs(a, '--dev')).toEqual(['/dev']);
    expect(pairs(a, '--proc')).toEqual(['/proc']);
    expect(pairs(a, '--tmpfs')).toEqual(['/tmp', '/run', `${HOME}/.cache`, `${HOME}/.kube/cache`]);
    expect(a).toContain('--die-with-parent');
    expect(a).toContain('--new-session');
    expect(pairs(a, '--chdir')).toEqual([WS]);
    expect(a.slice(-4)).toEqual(['--', '/bin/bash', '-c', 'du -sh logs/']);
    // Mounts apply in order: the tmpfs over a cache comes after the read-only root it covers.
    expect(a.indexOf(`${HOME}/.cache`)).toBeGreaterThan(a.indexOf('/'));
  });

  it('no network unless a program needs it', () => {
    expect(argv('du -sh logs/')).toContain('--unshare-net');
    expect(argv('grep ERROR app.log | wc -l')).toContain('--unshare-net');
    expect(argv('curl -s http://127.0.0.1:9090/-/healthy')).not.toContain('--unshare-net');
    expect(argv('echo $(kubectl get pods -o name)')).not.toContain('--unshare-net');
    expect(argv('./curl http://x/')).toContain('--unshare-net');
  });

  it('not root: every namespace (a user namespace too), the network only when needed, no capabilities', () => {
    const all = ['--unshare-user-try', '--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try', '--unshare-net'];
    expect(argv('du -sh logs/', { uid: 1000 }).slice(0, all.length)).toEqual(all);
    expect(argv('curl -s http://x/', { uid: 1000 }).slice(0, all.length - 1)).toEqual(all.slice(0, -1));
    expect(argv('curl -s http://x/', { uid: 1000 })).not.toContain('--unshare-net');
    expect(argv('ping -c1 x', { uid: 1000 })).not.toContain('--cap-add');
  });

  it('tmpfs sizes are capped when this bwrap can (0.7.0 and later, not setuid)', () => {
    expect(argv('ls')).not.toContain('--size');
    const a = argv('ls', { tmpfsSize: true });
    expect(a.slice(a.indexOf('/dev') + 1, a.indexOf('/tmp') + 1)).toEqual(['--proc', '/proc', '--perms', '01777', '--size', String(256 * 1024 * 1024), '--tmpfs', '/tmp']);
    expect(pairs(a, '--size')).toHaveLength(4); // /tmp, /run and the two caches
  });

  it('root: no capabilities but reading, plus what a program needs', () => {
    expect(pairs(argv('du -sh logs/'), '--cap-drop')).toEqual(['ALL']);
    expect(pairs(argv('du -sh logs/'), '--cap-add')).toEqual(['CAP_DAC_READ_SEARCH']);
    expect(pairs(argv('ping -c1 10.0.0.1'), '--cap-add')).toEqual(['CAP_DAC_READ_SEARCH', 'CAP_NET_RAW']);
    expect(argv('du -sh logs/')).not.toContain('--unshare-user-try');
  });

  it('daemon sockets only for the programs that need them, bound back into the private /run', () => {
    const socket = (a: string[]) => pairs(a, '--ro-bind-try', 2).map((p) => p.split(' ')[0]);
    expect(socket(argv('du -sh logs/'))).toEqual(['/run/utmp']);
    expect(socket(argv('curl -s http://x/'))).toEqual(['/run/utmp', '/run/systemd/resolve/stub-resolv.conf']);
    expect(socket(argv('docker ps'))).toEqual(['/run/utmp', '/run/docker.sock', '/run/user/0/docker.sock']);
    expect(socket(argv('docker ps', { uid: 1000 }))).toContain('/run/user/1000/docker.sock');
    expect(socket(argv('systemctl status nginx'))).toEqual(['/run/utmp', '/run/systemd/system', '/run/systemd/private', '/run/dbus/system_bus_socket', '/run/log/journal']);
    expect(socket(argv('ls /run/dbus'))).not.toContain('/run/dbus/system_bus_socket');
    // The binds come after the tmpfs they go into.
    const a = argv('docker ps');
    expect(a.indexOf('/run/docker.sock')).toBeGreaterThan(a.lastIndexOf('/run', a.indexOf('/run/docker.sock')));
  });

  it('/var/run gets its own tmpfs only where it is a folder, not the usual symlink', () => {
    expect(pairs(argv('ls'), '--tmpfs')).not.toContain('/var/run');
    const old = machine([HOME, WS, '/run', '/var/run']);
    expect(pairs(argv('ls', { fs: old }), '--tmpfs')).toContain('/var/run');
  });

  it('caches get a tmpfs only where they exist as real folders', () => {
    const bare = machine([HOME, WS, '/run']);
    expect(pairs(argv('kubectl get pods', { fs: bare }), '--tmpfs')).toEqual(['/tmp', '/run']);
    const linked = machine([HOME, WS, '/run', '/data/cache'], { [`${HOME}/.cache`]: '/data/cache' });
    expect(pairs(argv('ls', { fs: linked }), '--tmpfs')).toEqual(['/tmp', '/run']);
  });

  it('a workspace or home inside /tmp is put back, read-only, over the private /tmp', () => {
    const fs = machine(['/tmp/ws', '/tmp/home', '/tmp/home/.kube/cache', '/run']);
    const a = argv('ls', { fs, workspace: '/tmp/ws', home: '/tmp/home' });
    expect(pairs(a, '--ro-bind', 2)).toEqual(['/ /', '/tmp/ws /tmp/ws', '/tmp/home /tmp/home']);
    expect(pairs(a, '--tmpfs')).toEqual(['/tmp', '/run', '/tmp/home/.kube/cache']);
    expect(a.indexOf('/tmp/home/.kube/cache')).toBeGreaterThan(a.indexOf('/tmp/home'));
  });

  it('process tools see the host /proc (read-only with the rest) instead of their own', () => {
    expect(pairs(argv('ps aux | grep nginx'), '--proc')).toEqual([]);
    expect(argv('ps aux')).toContain('--unshare-pid');
  });

  it('--info-fd first when the caller wants the sandbox init\'s pid', () => {
    const a = sandboxArgv({ command: 'ls', shell: '/bin/bash', workspace: WS, home: HOME, uid: 0, needs: commandNeeds('ls'), infoFd: 3 }, debian);
    expect(a.slice(0, 2)).toEqual(['--info-fd', '3']);
    expect(argv('ls')).not.toContain('--info-fd');
  });

  it('the command is one argument, never split or interpreted by the builder', () => {
    const cmd = `echo 'a b' "--ro-bind / /" ; ls`;
    const a = argv(cmd);
    expect(a.at(-1)).toBe(cmd);
    expect(pairs(a, '--ro-bind', 2)).toEqual(['/ /']);
  });
});
