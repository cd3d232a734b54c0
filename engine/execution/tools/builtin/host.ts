// The host toolset: this machine's disks, memory, load and systemd units, each a fixed argv with no shell.
//
//   df              df -h [-- PATH]
//   df-inodes       df -i [-- PATH]
//   du              du -x -k --max-depth=1 -- PATH   (KiB, so the largest-first list is exact)
//   free            free -m
//   uptime          uptime
//   systemd-status  systemctl status --no-pager --full --lines=N -- UNIT
//   journal         journalctl --no-pager --unit=UNIT --since=-1h --lines=N --output=short-iso
//
// It reads the machine the engine runs on; the planner offers it only for alerts about that machine
// (fit.ts). df and du run in the sandbox with the host's own /tmp, /run and /dev (read-only, like the rest),
// so they report the real filesystems there instead of the sandbox's private ones. The systemd operations
// exist only where systemd runs (/run/systemd/system, as sd_booted() checks); elsewhere the schema refuses them
// and says why.
import fs from 'node:fs';
import { z } from 'zod';
import type { Tool } from '../../../control/workflow/tool';
import { TOOL } from '../names';
import { argvText, onPath, runArgv, type Argv, type ArgvOutput, type BuiltinRunOptions } from './run';
import { AbsolutePath, Since, UnitName } from './shapes';

export const HOST_OPS = ['df', 'df-inodes', 'du', 'free', 'uptime', 'systemd-status', 'journal'] as const;
export type HostOp = (typeof HOST_OPS)[number];
export const SYSTEMD_OPS: ReadonlySet<HostOp> = new Set(['systemd-status', 'journal']);

/** The fields each operation takes; the others must be absent. */
const FIELDS: Readonly<Record<HostOp, { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  df: { required: [], optional: ['path'] },
  'df-inodes': { required: [], optional: ['path'] },
  du: { required: ['path'], optional: [] },
  free: { required: [], optional: [] },
  uptime: { required: [], optional: [] },
  'systemd-status': { required: ['unit'], optional: ['lines'] },
  journal: { required: ['unit'], optional: ['since', 'lines'] },
};

const HostFields = z
  .object({
    op: z.enum(HOST_OPS),
    /** df, df-inodes: the filesystem holding it (default: all); du: the folder to size (one level deep, one filesystem). */
    path: AbsolutePath.optional(),
    unit: UnitName.optional(),
    /** journal: how far back (default 1h). */
    since: Since.optional(),
    /** systemd-status: journal lines shown (default 20); journal: lines from the end (default 200). */
    lines: z.number().int().min(1).max(2000).optional(),
  })
  .strict();

/** The input schema; `systemd` false refuses the systemd operations, saying why. */
export function hostInput(systemd: boolean) {
  return HostFields.superRefine((i, ctx) => {
    const spec = FIELDS[i.op];
    for (const f of spec.required) if (i[f as keyof typeof i] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: `${i.op} needs ${f}` });
    for (const f of ['path', 'unit', 'since', 'lines'] as const) {
      if (i[f] !== undefined && !spec.required.includes(f) && !spec.optional.includes(f)) ctx.addIssue({ code: 'custom', path: [f], message: `${i.op} takes no ${f}` });
    }
    if (!systemd && SYSTEMD_OPS.has(i.op)) ctx.addIssue({ code: 'custom', path: ['op'], message: `${i.op} needs systemd, which is not running on this machine (no /run/systemd/system)` });
  });
}
export const HostInput = hostInput(true);
export type HostInput = z.infer<typeof HostFields>;

export function hostArgv(input: HostInput): Argv {
  const at = input.path !== undefined ? ['--', input.path] : [];
  switch (input.op) {
    case 'df':
      return ['df', '-h', ...at];
    case 'df-inodes':
      return ['df', '-i', ...at];
    case 'du':
      return ['du', '-x', '-k', '--max-depth=1', '--', input.path!];
    case 'free':
      return ['free', '-m'];
    case 'uptime':
      return ['uptime'];
    case 'systemd-status':
      return ['systemctl', 'status', '--no-pager', '--full', `--lines=${input.lines ?? 20}`, '--', input.unit!];
    case 'journal':
      return ['journalctl', '--no-pager', `--unit=${input.unit!}`, `--since=-${input.since ?? '1h'}`, `--lines=${input.lines ?? 200}`, '--output=short-iso'];
  }
}

export interface HostOutput extends ArgvOutput {
  /** du: the entries by size, largest first (at most 20). */
  readonly largest?: ReadonlyArray<{ readonly size: string; readonly path: string }>;
}

/** Is systemd running here (what sd_booted() checks), with systemctl on PATH? */
export function systemdRunning(envPath = process.env.PATH ?? ''): boolean {
  if (process.platform !== 'linux' || onPath('systemctl', envPath) === null) return false;
  try {
    return fs.lstatSync('/run/systemd/system').isDirectory();
  } catch {
    return false;
  }
}

export interface HostToolOptions extends BuiltinRunOptions {
  /** Offer systemd-status and journal (default: systemdRunning()). */
  readonly systemd?: boolean;
}

export type HostTool = Tool<HostInput> & { readonly systemd: boolean };

const DU_TIMEOUT_MS = 110_000;
const TIMEOUT_MS = 20_000;

export function hostTool(options: HostToolOptions): HostTool {
  const systemd = options.systemd ?? systemdRunning();
  return {
    name: TOOL.host,
    risk: 'read',
    toolClass: 'shell',
    idempotent: true,
    timeoutMs: DU_TIMEOUT_MS + 10_000,
    input: hostInput(systemd),
    systemd,
    describe: (input) => argvText(hostArgv(input)),
    run: async (input, signal) => {
      const disk = input.op === 'df' || input.op === 'df-inodes' || input.op === 'du';
      const out = await runArgv(hostArgv(input), signal, options, { hostMounts: disk, timeoutMs: input.op === 'du' ? DU_TIMEOUT_MS : TIMEOUT_MS });
      return { output: input.op === 'du' ? { ...out, largest: largest(out.stdout) } : out };
    },
  };
}

/** `du -k` lines ("12288\t/var/log/app"), largest first, with human sizes (1024-based, like `du -h`). */
export function largest(duOutput: string, keep = 20): Array<{ size: string; path: string }> {
  const rows: Array<{ kib: number; path: string }> = [];
  for (const line of duOutput.split('\n')) {
    const m = /^(\d+)\t(.+)$/.exec(line);
    if (m) rows.push({ kib: Number(m[1]), path: m[2]! });
  }
  rows.sort((a, b) => b.kib - a.kib);
  return rows.slice(0, keep).map(({ kib, path }) => ({ size: human(kib), path }));
}

function human(kib: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = kib;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return kib === 0 ? '0' : `${v >= 10 || Number.isInteger(v) ? Math.round(v) : v.toFixed(1)}${units[u]}`;
}
