// The host toolset run for real: df, df -i, du, free and uptime, confined where this machine has the sandbox.
// systemd-status and journal only where systemd runs; elsewhere (a container, usually) the tool says so and
// the planner is not offered them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../engine/control/alert';
import { sandboxStatus } from '../../engine/execution/sandbox';
import { builtinAvailability, builtinDiagnostics, HOST_SYSTEMD, hostTool, systemdRunning, type HostOutput } from '../../engine/execution/tools/builtin';
import { createTools } from '../../engine/execution/tools/catalogue';
import { TOOL } from '../../engine/execution/tools/names';
import { tempDir } from '../helpers/tmp';

const linux = process.platform === 'linux';
const confined = sandboxStatus().available ? 'bubblewrap' : 'none';
const call = { key: 'k', workflowId: 'wf', stepId: 's', readOnly: true };

function host() {
  const t = hostTool({ workspace: tempDir('rba-host-ws-'), outputCapBytes: 65_536, passEnv: [] });
  const run = async (input: Record<string, unknown>): Promise<HostOutput> => (await t.run(t.input.parse(input), new AbortController().signal, call)).output as HostOutput;
  return { t, run };
}

/** The line df prints for `p`'s filesystem, run directly (no sandbox). */
function dfLine(flag: string, p: string): string {
  return spawnSync('df', [flag, '--', p], { encoding: 'utf8' }).stdout.trim().split('\n')[1]!;
}

describe.skipIf(!linux)('host: disks, memory and load, for real', () => {
  it('df -h and df -i: every filesystem, or the one holding a path, as the host sees it', async () => {
    const { run } = host();
    const all = await run({ op: 'df' });
    expect(all).toMatchObject({ exitCode: 0, argv: ['df', '-h'], sandbox: confined });
    expect(all.stdout).toMatch(/^Filesystem\s+Size\s+Used\s+Avail\s+Use%\s+Mounted on/);
    const root = await run({ op: 'df', path: '/' });
    expect(root.stdout.trim().split('\n')[1]).toBe(dfLine('-h', '/'));
    const inodes = await run({ op: 'df-inodes', path: '/' });
    expect(inodes.stdout).toMatch(/^Filesystem\s+Inodes\s+IUsed\s+IFree\s+IUse%/);
    // /tmp and /run: the host's filesystems, not the sandbox's private ones (hostMounts).
    for (const p of ['/tmp', '/run']) {
      if (!fs.existsSync(p)) continue;
      expect((await run({ op: 'df', path: p })).stdout.trim().split('\n')[1], p).toBe(dfLine('-h', p));
    }
  });

  it('du: one level deep, largest first, under /tmp too', async () => {
    const dir = tempDir('rba-host-du-');
    fs.mkdirSync(path.join(dir, 'big'));
    fs.mkdirSync(path.join(dir, 'small'));
    fs.writeFileSync(path.join(dir, 'big', 'a.bin'), Buffer.alloc(3 * 1024 * 1024, 1));
    fs.writeFileSync(path.join(dir, 'small', 'b.txt'), 'x');
    const { run } = host();
    const out = await run({ op: 'du', path: dir });
    expect(out).toMatchObject({ exitCode: 0, argv: ['du', '-x', '-k', '--max-depth=1', '--', dir], sandbox: confined });
    expect(out.largest!.map((l) => l.path)).toEqual([dir, path.join(dir, 'big'), path.join(dir, 'small')]);
    expect(out.largest![1]!.size).toMatch(/^3(\.\d)?M$/);
    expect(out.stdout).toContain(`\t${path.join(dir, 'small')}\n`);
  });

  it('free -m and uptime', async () => {
    const { run } = host();
    const free = await run({ op: 'free' });
    expect(free).toMatchObject({ exitCode: 0, argv: ['free', '-m'], sandbox: confined });
    expect(free.stdout).toMatch(/^\s+total\s+used\s+free/);
    expect(free.stdout).toMatch(/\nMem:\s+\d+/);
    const up = await run({ op: 'uptime' });
    expect(up).toMatchObject({ exitCode: 0, argv: ['uptime'] });
    expect(up.stdout).toMatch(/load average: [\d.,]+, [\d.,]+, [\d.,]+/);
  });

  it('a path that is not there is an outcome, not an error', async () => {
    const { run } = host();
    const out = await run({ op: 'du', path: '/nonexistent/rba' });
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toContain('/nonexistent/rba');
  });

  it('planned from an alert about this machine: each step runs', async () => {
    const dir = tempDir('rba-host-mnt-');
    const tools = createTools({ workspace: tempDir('rba-host-ws-') });
    const tool = tools.find((t) => t.name === TOOL.host)!;
    const [alert] = normalizeAlerts(
      { labels: { alertname: 'NodeFilesystemSpaceFillingUp', instance: '127.0.0.1:9100', mountpoint: dir, device: '/dev/sda1' }, annotations: { expr: 'node_filesystem_avail_bytes{fstype!=""} / node_filesystem_size_bytes < 0.1 and node_memory_MemAvailable_bytes > 0' } },
      'test',
    );
    const steps = builtinDiagnostics(alert!, builtinAvailability(tools)).filter((s) => s.tool === TOOL.host);
    expect(steps.map((s) => s.id)).toEqual(['builtin-host-df', 'builtin-host-df-inodes', 'builtin-host-du', 'builtin-host-free']);
    for (const s of steps) {
      const out = (await tool.run(tool.input.parse(s.input), new AbortController().signal, call)).output as HostOutput;
      expect(out.exitCode, `${s.id}: ${out.stderr}`).toBe(0);
    }
  });
});

describe.skipIf(!linux)(`host: systemd (${systemdRunning() ? 'running here' : 'not running here'})`, () => {
  it.skipIf(systemdRunning())('without systemd, the tool says so and its systemd operations are not offered', () => {
    const { t } = host();
    expect((t as { systemd: boolean }).systemd).toBe(false);
    const r = t.input.safeParse({ op: 'systemd-status', unit: 'ssh.service' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toContain('needs systemd, which is not running on this machine');
    const tools = createTools({ workspace: tempDir('rba-host-ws-') });
    expect(builtinAvailability(tools).has(HOST_SYSTEMD)).toBe(false);
    const [alert] = normalizeAlerts({ labels: { alertname: 'SystemdUnitFailed', name: 'ssh.service' } }, 'test');
    expect(builtinDiagnostics(alert!, builtinAvailability(tools)).filter((s) => s.tool === TOOL.host)).toEqual([]);
  });

  it.skipIf(!systemdRunning())('with systemd: status and journal of a unit', async () => {
    const { t, run } = host();
    expect((t as { systemd: boolean }).systemd).toBe(true);
    const status = await run({ op: 'systemd-status', unit: 'systemd-journald.service' });
    expect(status.stdout).toContain('systemd-journald.service');
    const journal = await run({ op: 'journal', unit: 'systemd-journald.service', since: '1d', lines: 5 });
    expect(journal.exitCode).toBe(0);
  });
});
