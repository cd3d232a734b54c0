// Is the sandbox usable on this machine? Answered once per process by starting a real, confined `true`
// with the same kind of command line a step gets: bwrap being installed is not enough (user namespaces may
// be off, a container may forbid mounts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxInfo } from '../../../protocol/engine';
import { sandboxArgv, type FsView } from './argv';
import { NO_NEEDS } from './needs';

export interface SandboxStatus extends SandboxInfo {
  /** The bwrap binary the probe started (when available). */
  readonly path?: string;
  /** This bwrap caps tmpfs sizes (`--size`: 0.7.0 and later, and not installed setuid). */
  readonly tmpfsSize?: boolean;
}

const PROBE_TIMEOUT_MS = 3000;
const SHELL = fs.existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';

/** The real disk, for sandboxArgv. */
export const realFs: FsView = {
  realpath(p) {
    try {
      return fs.realpathSync(p);
    } catch {
      return null;
    }
  },
  isRealDirectory(p) {
    try {
      return fs.lstatSync(p).isDirectory() && fs.realpathSync(p) === path.resolve(p);
    } catch {
      return false;
    }
  },
  isSymlink(p) {
    try {
      return fs.lstatSync(p).isSymbolicLink();
    } catch {
      return false;
    }
  },
};

/** bwrap on PATH, else in the usual places; null when there is none. */
export function findBwrap(envPath = process.env.PATH ?? ''): string | null {
  const dirs = [...envPath.split(path.delimiter).filter((d) => path.isAbsolute(d)), '/usr/bin', '/usr/local/bin', '/bin'];
  for (const dir of dirs) {
    const file = path.join(dir, 'bwrap');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

const none = (problem: string): SandboxStatus => ({ available: false, kind: 'none', problem });

/** Probes now, uncached. `bwrap` overrides the lookup (tests point it at a missing or broken binary). */
export function probeSandbox(options: { bwrap?: string | null; platform?: NodeJS.Platform } = {}): SandboxStatus {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') return none(`the sandbox needs Linux (bubblewrap); this is ${platform}`);
  const bwrap = options.bwrap === undefined ? findBwrap() : options.bwrap;
  if (!bwrap) return none('bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)');
  const versionRun = spawnSync(bwrap, ['--version'], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS });
  if (versionRun.error) return none(`${bwrap} did not start: ${versionRun.error.message}`);
  const version = /(\d+\.\d+(\.\d+)?)/.exec(versionRun.stdout ?? '')?.[1];
  const tmpfsSize = atLeast(version, [0, 7]) && !isSetuid(bwrap);
  const uid = process.getuid?.() ?? -1;
  const args = sandboxArgv({ command: 'exit 0', shell: SHELL, workspace: '/', home: undefined, uid, needs: NO_NEEDS, tmpfsSize }, realFs);
  const run = spawnSync(bwrap, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
  if (run.error) return none(`${bwrap} could not run a confined command: ${run.error.message}`);
  if (run.status !== 0) {
    const said = (run.stderr ?? '').trim().split('\n').at(-1) || `exit ${run.status ?? run.signal}`;
    return none(`${bwrap}${version ? ` ${version}` : ''} could not set up a sandbox: ${said}`);
  }
  return { available: true, kind: 'bubblewrap', version, path: bwrap, tmpfsSize };
}

function atLeast(version: string | undefined, min: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

/** A setuid bwrap runs "privileged" and refuses some options (`--size`). */
function isSetuid(file: string): boolean {
  try {
    return (fs.statSync(file).mode & 0o4000) !== 0;
  } catch {
    return false;
  }
}

let cached: SandboxStatus | null = null;

/** The probe's answer for this process (probed on first use). */
export function sandboxStatus(): SandboxStatus {
  // An operator's opt-out (a host where bwrap misbehaves), and how the tests show the classifier alone holds.
  if (process.env.RUNBOOK_AGENT_SANDBOX === 'off') return { available: false, kind: 'none', problem: 'turned off by RUNBOOK_AGENT_SANDBOX=off' };
  cached ??= probeSandbox();
  return cached;
}

/** The probe's answer as doctor and health report it (without the binary's path). */
export function sandboxInfo(status: SandboxStatus = sandboxStatus()): SandboxInfo {
  const { available, kind, version, problem } = status;
  return { available, kind, ...(version !== undefined ? { version } : {}), ...(problem !== undefined ? { problem } : {}) };
}

/** One line for doctor (the panel words it the same way). */
export function describeSandbox(s: SandboxInfo): string {
  return s.available ? `${s.kind}${s.version ? ` ${s.version}` : ''} (reads confined)` : `not available — ${s.problem ?? 'unknown reason'}`;
}
