import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../engine/execution/tools/process';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { threadFile } from '../../../engine/shared/thread/client';
import { LaunchEvent } from '../../../engine/execution/tools/launcher/protocol';
import { tempDir } from '../../helpers/tmp';
import { alive, eventually, killedAfterEach } from './processes';

const started = killedAfterEach();

const options = (cwd: string) => ({ cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, outputCapBytes: 4096 });
const sh = (script: string) => ({ file: '/bin/sh', args: ['-c', script] });

describe('process launcher', () => {
  it("starts the tools' programs from its own small process, not by forking the engine", async () => {
    const cwd = tempDir('rba-launch-');
    const out = await runProcess(sh('echo $PPID'), new AbortController().signal, options(cwd));
    const parent = Number(out.stdout.trim());
    expect(parent).toBeGreaterThan(1);
    expect(parent).not.toBe(process.pid);
    // The launcher is this engine's child.
    const stat = fs.readFileSync(`/proc/${parent}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).toBe(process.pid);
  });

  it('runs the programs at a lower priority than the engine (nice +10), so a busy machine answers the editor and the intake first', async () => {
    const out = await runProcess({ file: 'nice', args: [] }, new AbortController().signal, options(tempDir('rba-launch-')));
    expect(Number(out.stdout.trim())).toBe(Math.min(19, os.getPriority() + 10));
  });

  it('when the launcher dies mid-call, the call fails as permanent (its outcome is unknown), the program is stopped, and the next call starts a new launcher', async () => {
    const cwd = tempDir('rba-launch-');
    const pids = path.join(cwd, 'pids');
    const call = runProcess(sh(`echo "$PPID $$" > "${pids}"; exec sleep 30`), new AbortController().signal, options(cwd));
    expect(await eventually(() => fs.existsSync(pids) && /^\d+ \d+\n$/.test(fs.readFileSync(pids, 'utf8')))).toBe(true);
    const [launcherPid, programPid] = fs.readFileSync(pids, 'utf8').trim().split(' ').map(Number) as [number, number];
    started.push(programPid);
    process.kill(launcherPid, 'SIGKILL');
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClassifiedError);
    expect((error as ClassifiedError).failureClass).toBe('permanent');
    expect((error as Error).message).toMatch(/process launcher stopped .*outcome is unknown/);
    expect(await eventually(() => !alive(programPid))).toBe(true);
    const again = await runProcess(sh('echo $PPID'), new AbortController().signal, options(cwd));
    expect(Number(again.stdout.trim())).not.toBe(launcherPid);
  });

  it('when the engine goes away (its channel closes), the launcher kills what still runs and exits', async () => {
    const cwd = tempDir('rba-launch-');
    const launcher = fork(threadFile('launcher'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
    const spawned = new Promise<number>((resolve) =>
      launcher.on('message', (raw) => {
        const e = LaunchEvent.parse(raw);
        if (e.type === 'spawned') resolve(e.pid);
      }),
    );
    launcher.send({ type: 'spawn', id: 1, file: '/bin/sleep', args: ['30'], cwd, env: {}, info: false, capBytes: 10 });
    const pid = await spawned;
    started.push(pid);
    expect(alive(pid)).toBe(true);
    launcher.disconnect();
    expect(await exited).toBe(0);
    expect(await eventually(() => !alive(pid))).toBe(true);
  });

  it('ignores a malformed request and keeps serving', async () => {
    const launcher = fork(threadFile('launcher'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', execArgv: [] });
    let stderr = '';
    launcher.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const events: LaunchEvent[] = [];
    launcher.on('message', (raw) => events.push(LaunchEvent.parse(raw)));
    launcher.send({ type: 'spawn', id: 1, file: '/bin/echo', args: 'not an array' });
    launcher.send({ type: 'spawn', id: 2, file: '/bin/echo', args: ['hi'], cwd: '/', env: {}, info: false, capBytes: 10 });
    expect(await eventually(() => events.some((e) => e.type === 'close' && e.id === 2))).toBe(true);
    expect(events.every((e) => e.id === 2)).toBe(true);
    expect(Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.chunk] : []))).toString()).toBe('hi\n');
    expect(stderr).toMatch(/ignored a malformed request/);
    launcher.disconnect();
  });
});
