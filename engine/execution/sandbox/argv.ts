// The bubblewrap command line for one confined step: a pure function of the command's needs, the
// workspace, the home folder and what exists on disk (passed in, so tests can describe any machine).
import path from 'node:path';
import type { Needs } from './needs';

/** What the builder may ask about the disk. */
export interface FsView {
  /** The path with every symlink resolved, or null when it does not exist. */
  realpath(p: string): string | null;
  /** A directory, and not a symlink to one. */
  isRealDirectory(p: string): boolean;
  isSymlink(p: string): boolean;
}

interface SandboxPlanBase {
  /** Absolute; the step's working folder (read-only like everything else). */
  readonly workspace: string;
  /** The HOME the step sees; its tool caches get a private tmpfs. */
  readonly home: string | undefined;
  /** The engine's uid: root keeps only CAP_DAC_READ_SEARCH (and the needs' caps); others get a user namespace. */
  readonly uid: number;
  readonly needs: Needs;
  /** Cap each tmpfs's size (`--size`: bubblewrap 0.7.0 and later, not a setuid bwrap); the probe decides. */
  readonly tmpfsSize?: boolean;
  /** An open descriptor bwrap writes `{"child-pid": N}` to (`--info-fd`): the caller's way to kill the sandbox. */
  readonly infoFd?: number;
  /**
   * Leave /tmp, /run, /var/run and /dev as the host's (read-only, like everything else) instead of private
   * ones, so a disk report (`df`, `du`) sees the host's filesystems there. Never from the needs table: only
   * the built-in host diagnostics set it, for their fixed argv (engine/execution/tools/builtin/host.ts).
   */
  readonly hostMounts?: boolean;
}

/** What runs inside: a shell step (`SHELL -c COMMAND`), or a program's own argv (the built-in diagnostics). */
export type SandboxPlan = SandboxPlanBase &
  (
    | {
        /** The shell command, run as `SHELL -c COMMAND` inside. */
        readonly command: string;
        readonly shell: string;
        readonly argv?: undefined;
      }
    | {
        /** Run as it is: `argv[0]` is looked up on PATH inside, the rest are its arguments (no shell). */
        readonly argv: readonly [string, ...string[]];
        readonly command?: undefined;
        readonly shell?: undefined;
      }
  );

/** Private and writable in every sandbox; everything else is the host's, read-only. */
export const MASKED = ['/tmp', '/run'] as const;
const TMP_BYTES = 256 * 1024 * 1024;
const RUN_BYTES = 16 * 1024 * 1024;
const CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Folders under HOME that read-only tools write to as a side effect (discovery and HTTP caches, logs): a
 * private tmpfs over each that exists, so `kubectl get` keeps working while `~/.kube/config` stays read-only.
 */
export const HOME_CACHES = [
  '.cache', // XDG cache: helm, pip, gcloud's and many tools' caches
  '.kube/cache', // kubectl discovery cache
  '.kube/http-cache', // kubectl HTTP cache (older kubectl)
  '.aws/cli/cache', // aws: cached assumed-role credentials
  '.config/gcloud/logs', // gcloud writes a log per invocation
  '.azure/logs',
  '.azure/telemetry',
  '.azure/commands',
  '.helm/cache', // helm 2
  '.minikube/cache',
] as const;

/** Files under /run every step may read: `who`, `uptime` and `w` count sessions from utmp. */
const RUN_ALWAYS = ['/run/utmp'];

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(`${dir}/`);
}

/** The bwrap arguments (without `bwrap` itself) that run `plan.shell -c plan.command`, or `plan.argv`, confined. */
export function sandboxArgv(plan: SandboxPlan, fs: FsView): string[] {
  const { needs } = plan;
  const args: string[] = plan.infoFd !== undefined ? ['--info-fd', String(plan.infoFd)] : [];

  // Namespaces: what `--unshare-all` does, spelled out (older bwrap has no `--share-net` to take the network
  // back). Root gets no user namespace: inside one, files of other users (/var/log/syslog, 0640 syslog:adm)
  // become unreadable. It drops every capability instead, keeping CAP_DAC_READ_SEARCH (read any file) and what
  // a program needs (CAP_NET_RAW for ping): without CAP_SYS_ADMIN nothing can be remounted read-write.
  if (plan.uid !== 0) args.push('--unshare-user-try');
  args.push('--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try');
  if (!needs.network) args.push('--unshare-net');
  if (plan.uid === 0) {
    args.push('--cap-drop', 'ALL', '--cap-add', 'CAP_DAC_READ_SEARCH');
    for (const cap of needs.caps) args.push('--cap-add', cap);
  }
  // The pid namespace dies with bwrap: a background job or a stopped call leaves nothing behind.
  args.push('--die-with-parent', '--new-session');

  // The filesystem, in order: everything read-only, fresh /dev (no host devices: device nodes stay writable on
  // a read-only mount), /proc, then the private folders, then what is put back into them.
  args.push('--ro-bind', '/', '/');
  if (!plan.hostMounts) args.push('--dev', '/dev');
  if (!needs.hostProc) args.push('--proc', '/proc');
  const masked: string[] = plan.hostMounts ? [] : [...MASKED];
  // Where /var/run is a folder of its own (not the usual symlink to /run), its sockets are hidden too.
  if (!plan.hostMounts && fs.realpath('/var/run') !== null && !fs.isSymlink('/var/run')) masked.push('/var/run');
  const size = (bytes: number) => (plan.tmpfsSize ? ['--size', String(bytes)] : []);
  if (masked.includes('/tmp')) args.push('--perms', '01777', ...size(TMP_BYTES), '--tmpfs', '/tmp');
  if (masked.includes('/run')) args.push(...size(RUN_BYTES), '--tmpfs', '/run');
  if (masked.includes('/var/run')) args.push(...size(RUN_BYTES), '--tmpfs', '/var/run');
  const isMasked = (p: string) => masked.some((m) => under(p, m));

  // The workspace and the home folder stay visible (read-only) even when they live in /tmp.
  const seen = new Set<string>();
  const putBack = (p: string | undefined): void => {
    if (!p || !path.isAbsolute(p)) return;
    const real = fs.realpath(p);
    if (real === null) return;
    for (const dest of new Set([real, path.normalize(p)])) {
      if (!isMasked(dest) || seen.has(dest)) continue;
      seen.add(dest);
      args.push('--ro-bind', real, dest);
    }
  };
  putBack(plan.workspace);
  putBack(plan.home);

  // Under /run, only what this command needs: its daemon's socket, DNS configuration when it uses the network.
  const wanted = [...RUN_ALWAYS, ...needs.run.map((r) => r.replaceAll('{uid}', String(plan.uid)))];
  if (needs.network) {
    const resolv = fs.realpath('/etc/resolv.conf'); // systemd-resolved: a symlink into /run/systemd/resolve
    if (resolv !== null && isMasked(resolv)) wanted.push(resolv);
  }
  for (const p of wanted) {
    if (seen.has(p) || !isMasked(p)) continue; // outside the private folders, it is there already
    seen.add(p);
    args.push('--ro-bind-try', p, p);
  }

  // Tool caches under HOME: private and writable, only where they exist (a mount point cannot be made in a
  // read-only folder) and are real folders (a symlink could point anywhere).
  if (plan.home && path.isAbsolute(plan.home)) {
    const home = fs.realpath(plan.home) ?? plan.home;
    for (const rel of HOME_CACHES) {
      const dir = path.join(home, rel);
      if (fs.isRealDirectory(dir)) args.push(...size(CACHE_BYTES), '--tmpfs', dir);
    }
  }

  const inner = plan.argv ?? [plan.shell, '-c', plan.command];
  args.push('--chdir', plan.workspace, '--', ...inner);
  return args;
}
