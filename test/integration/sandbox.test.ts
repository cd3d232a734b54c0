// Defence in depth (issue #16): a shell step the engine judged a read runs under bubblewrap, so a write the
// classifier missed fails instead of writing. Real bwrap, real child processes, the real orchestrator; the
// classifier is replaced by a stub that calls everything a read, and the same steps run unconfined prove
// that each one really writes.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Health } from '../../protocol/engine';
import { Engine } from '../../engine/entry/engine';
import { commandNeeds, findBwrap, probeSandbox, realFs, sandboxArgv, sandboxStatus } from '../../engine/execution/sandbox';
import { shellTool, type ShellOutput } from '../../engine/execution/tools/shell';
import { listToolCalls } from '../../engine/control/store/sqlite/toolCalls';
import type { AnyTool } from '../../engine/control/workflow/tool';
import { tempDir } from '../helpers/tmp';
import { fixture, stateOf } from '../unit/workflow/fixtures';
import { eventually } from '../unit/tools/processes';

const BWRAP = findBwrap();
const SKIP = BWRAP === null;
const title = (t: string) => (SKIP ? `${t} (skipped: bwrap is not installed; scripts/setup-sandbox.sh installs Debian's bubblewrap)` : t);

const cleanup: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

let savedHome: string | undefined;
let home = '';
beforeEach(() => {
  // Steps see HOME from the engine's environment (engine/execution/tools/env.ts): a temporary one, so `~` is ours.
  savedHome = process.env.HOME;
  home = tempDir('rba-sbx-home-');
  process.env.HOME = home;
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.HOME;
  else process.env.HOME = savedHome;
});

/** A local HTTP server that counts the requests it gets. */
async function httpServer(): Promise<{ port: number; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('reached\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, hits: () => hits };
}

/** A daemon's Unix socket under /run (like /run/docker.sock): an HTTP server on it that counts connections. */
async function daemonSocket(): Promise<{ file: string; connections: () => number } | null> {
  try {
    fs.accessSync('/run', fs.constants.W_OK);
  } catch {
    return null;
  }
  const dir = fs.mkdtempSync('/run/rba-test-');
  const file = path.join(dir, 'daemon.sock');
  let connections = 0;
  const server = http.createServer((_req, res) => res.end('daemon acted\n'));
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(file, r));
  cleanup.push(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { file, connections: () => connections };
}

/** The real shell tool with the classifier replaced: every command is whatever `risk` says. */
function stubbedShell(workspace: string, risk: 'read' | 'write'): AnyTool {
  const real = shellTool({ workspace, outputCapBytes: 65_536, passEnv: [] });
  return { ...real, assess: () => ({ risk, reasons: [`classifier stub: everything is a ${risk}`] }) };
}

interface Attempt {
  readonly id: string;
  readonly command: string;
  /** True when the attempt's effect happened. */
  readonly happened: () => boolean;
}

async function attempts(workspace: string): Promise<{ steps: Attempt[]; reached: () => number; socket: string | null }> {
  const tag = crypto.randomBytes(4).toString('hex');
  const server = await httpServer();
  const daemon = await daemonSocket();
  const etc = `/etc/rba-marker-${tag}`;
  const varTmp = `/var/tmp/rba-marker-${tag}`;
  cleanup.push(() => {
    fs.rmSync(etc, { recursive: true, force: true });
    fs.rmSync(varTmp, { force: true });
  });
  const steps: Attempt[] = [
    { id: 'touch-workspace', command: `touch ${workspace}/marker`, happened: () => fs.existsSync(path.join(workspace, 'marker')) },
    { id: 'write-home', command: 'echo x > ~/marker', happened: () => fs.existsSync(path.join(home, 'marker')) },
    { id: 'mkdir-etc', command: `mkdir ${etc}`, happened: () => fs.existsSync(etc) },
    { id: 'write-var-tmp', command: `echo x > ${varTmp}`, happened: () => fs.existsSync(varTmp) },
    // Neither names a network program the sandbox can see (bash's /dev/tcp; a computed command name), so
    // neither gets the network.
    { id: 'dev-tcp', command: `exec 3<>/dev/tcp/127.0.0.1/${server.port} && printf 'GET /dev-tcp HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`, happened: () => false },
    { id: 'computed-curl', command: `c=curl; $c -sS --max-time 5 http://127.0.0.1:${server.port}/computed`, happened: () => false },
  ];
  if (daemon) {
    // curl gets the network, but no daemon socket: the private /run hides it.
    steps.push({ id: 'daemon-socket', command: `curl -sS --max-time 5 --unix-socket ${daemon.file} http://daemon/containers/x/stop -X POST`, happened: () => daemon.connections() > 0 });
  }
  return { steps, reached: server.hits, socket: daemon?.file ?? null };
}

async function runWorkflow(workspace: string, risk: 'read' | 'write', steps: readonly Attempt[]) {
  const f = fixture([stubbedShell(workspace, risk)], { main: steps.map((s) => ({ id: s.id, tool: 'shell', input: { command: s.command } })) });
  const id = f.start();
  await f.orchestrator.drain();
  const results = new Map(listToolCalls(f.db, id).map((c) => [c.stepId, c.result as ShellOutput]));
  cleanup.push(() => void f.db.close());
  return { view: stateOf(f.db, id), results };
}

describe.skipIf(SKIP)(title('sandbox: a misclassified write run as a read fails to write'), () => {
  it('every write attempt fails confined, and the workflow records each failure', async () => {
    const workspace = tempDir('rba-sbx-ws-');
    const { steps, reached, socket } = await attempts(workspace);
    const { view, results } = await runWorkflow(workspace, 'read', steps);

    expect(view.state).toBe('COMPLETED'); // a non-zero exit is the step's outcome, recorded with it
    for (const step of steps) {
      const r = results.get(step.id);
      expect(r, step.id).toBeDefined();
      expect(r!.sandbox, step.id).toBe('bubblewrap');
      expect(r!.exitCode, `${step.id}: ${r!.stderr}`).not.toBe(0);
      expect(step.happened(), step.id).toBe(false);
    }
    expect(results.get('touch-workspace')!.stderr).toMatch(/Read-only file system/);
    expect(results.get('write-home')!.stderr).toMatch(/Read-only file system/);
    expect(results.get('mkdir-etc')!.stderr).toMatch(/Read-only file system/);
    expect(reached()).toBe(0);
    if (socket) expect(results.get('daemon-socket')!.stderr).toMatch(/Couldn't connect|No such file/i);
    else console.warn('sandbox test: /run is not writable here, so the daemon-socket attempt was not made');
  });

  it('the same steps run unconfined (an approved write) do write: the test can fail', async () => {
    const workspace = tempDir('rba-sbx-ws-');
    const { steps, reached, socket } = await attempts(workspace);
    const { view, results } = await runWorkflow(workspace, 'write', steps);

    expect(view.state).toBe('COMPLETED');
    for (const step of steps) {
      const r = results.get(step.id)!;
      expect(r.sandbox, step.id).toBe('none');
      expect(r.exitCode, `${step.id}: ${r.stderr}`).toBe(0);
    }
    for (const step of steps.filter((s) => s.id !== 'dev-tcp' && s.id !== 'computed-curl')) expect(step.happened(), step.id).toBe(true);
    expect(reached()).toBe(2);
    if (socket) expect(results.get('daemon-socket')!.stdout).toBe('daemon acted\n');
  });

  it('a read that needs the network reaches it confined, and says it ran confined', async () => {
    const workspace = tempDir('rba-sbx-ws-');
    fs.writeFileSync(path.join(workspace, 'app.log'), 'ERROR one\nok\nERROR two\n');
    const server = await httpServer();
    // Whether curl to this host is a read depends on runbookAgent.tools.allowedHosts (engine/execution/risk); the sandbox
    // question here is only whether a read that uses curl gets the network, so the stub says read. `errors` is
    // judged by the real classifier.
    const stubbed = stubbedShell(workspace, 'read');
    const real = { ...shellTool({ workspace, outputCapBytes: 65_536, passEnv: [] }), name: 'shell_real' };
    const f = fixture([stubbed, real], {
      main: [
        { id: 'health', tool: 'shell', input: { command: `curl -sS --max-time 5 http://127.0.0.1:${server.port}/-/healthy` } },
        { id: 'errors', tool: 'shell_real', input: { command: 'grep -c ERROR app.log' } },
        { id: 'wrapped', tool: 'shell', input: { command: `cat < /dev/null; timeout 5 curl -sS http://127.0.0.1:${server.port}/ | wc -c` } },
      ],
    });
    cleanup.push(() => void f.db.close());
    const id = f.start();
    await f.orchestrator.drain();
    const results = new Map(listToolCalls(f.db, id).map((c) => [c.stepId, c.result as ShellOutput]));
    expect(results.get('health')).toMatchObject({ exitCode: 0, stdout: 'reached\n', sandbox: 'bubblewrap' });
    expect(results.get('errors')).toMatchObject({ exitCode: 0, stdout: '2\n', sandbox: 'bubblewrap' });
    // `timeout 5 curl`: the wrapper is looked through, so curl still gets the network.
    expect(results.get('wrapped')).toMatchObject({ exitCode: 0, stdout: '8\n', sandbox: 'bubblewrap' });
    expect(server.hits()).toBe(2);
  });

  it('a program granted a daemon socket reaches it (the bind mechanism), one without it does not', async () => {
    const daemon = await daemonSocket();
    if (!daemon) return console.warn('sandbox test: /run is not writable here; skipped the socket grant check');
    const run = (run: string[]) => {
      const needs = { ...commandNeeds('curl -s http://x/'), run };
      const args = sandboxArgv({ command: `curl -sS --max-time 5 --unix-socket ${daemon.file} http://daemon/`, shell: '/bin/bash', workspace: '/', home: undefined, uid: process.getuid!(), needs }, realFs);
      return spawnAsync(BWRAP!, args);
    };
    expect(await run([])).toMatchObject({ code: 7 }); // curl: could not connect
    expect(daemon.connections()).toBe(0);
    expect(await run([daemon.file])).toMatchObject({ code: 0, stdout: 'daemon acted\n' });
    expect(daemon.connections()).toBe(1);
  });
});

function spawnAsync(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(SKIP)(title('sandbox: stopping a confined call leaves nothing behind'), () => {
  const marker = () => `rba-sbx-${crypto.randomBytes(6).toString('hex')}`;
  const running = (m: string) => spawnSync('pgrep', ['-f', m], { encoding: 'utf8' }).stdout.trim() !== '';
  const setup = () => {
    const workspace = tempDir('rba-sbx-ws-');
    const tool = shellTool({ workspace, outputCapBytes: 65_536, passEnv: [], killGraceMs: 500 });
    return (command: string, signal: AbortSignal, timeoutMs?: number) =>
      tool.run(tool.input.parse({ command, timeoutMs }), signal, { key: 'k', workflowId: 'wf', stepId: 's', readOnly: true });
  };

  it('aborted: the sandbox, the shell and the sleep are gone', async () => {
    const m = marker();
    const ac = new AbortController();
    const call = setup()(`sh -c 'sleep 60; : ${m}' & sleep 60; : ${m}`, ac.signal);
    expect(await eventually(() => running(m), 5000)).toBe(true);
    ac.abort(new Error('stopped by test'));
    await expect(call).rejects.toThrow('stopped by test');
    expect(await eventually(() => !running(m), 5000)).toBe(true);
  });

  it('aborted at any moment of its setup: nothing is left (bwrap is stopped before the command even started)', async () => {
    const run = setup();
    const marks: string[] = [];
    for (let i = 0; i < 24; i++) {
      const m = marker();
      marks.push(m);
      const ac = new AbortController();
      const call = run(`sh -c 'sleep 60; : ${m}' & sleep 60; : ${m}`, ac.signal);
      await new Promise((r) => setTimeout(r, i % 12));
      ac.abort(new Error('stopped early'));
      await expect(call).rejects.toThrow('stopped early');
    }
    expect(await eventually(() => marks.every((m) => !running(m)), 10_000)).toBe(true);
  });

  it('timed out: the same', async () => {
    const m = marker();
    const call = setup()(`sleep 60; : ${m}`, new AbortController().signal, 500);
    await expect(call).rejects.toThrow(/timed out after 500 ms/);
    expect(await eventually(() => !running(m), 5000)).toBe(true);
  });

  it('a background job does not hold the call, and does not outlive it', async () => {
    const m = marker();
    const started = Date.now();
    const out = (await setup()(`sh -c 'sleep 60; : ${m}' & echo started`, new AbortController().signal)).output as ShellOutput;
    expect(out).toMatchObject({ exitCode: 0, stdout: 'started\n', sandbox: 'bubblewrap' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await eventually(() => !running(m), 5000)).toBe(true);
  });

  it('the workspace is the working folder, /tmp is private and writable, HOME is readable', async () => {
    fs.writeFileSync(path.join(home, '.kubeconfig-like'), 'apiVersion: v1\n');
    const run = setup();
    // A name of this run only: the host's /tmp may hold anything (even a folder of that name).
    const scratch = `/tmp/rba-sandbox-scratch-${process.pid}-${Date.now()}`;
    const out = (await run(`pwd -P >/dev/null && echo scratch > ${scratch} && cat ${scratch} && cat ~/.kubeconfig-like`, new AbortController().signal)).output as ShellOutput;
    expect(out).toMatchObject({ exitCode: 0, stdout: 'scratch\napiVersion: v1\n', sandbox: 'bubblewrap' });
    // Written inside the sandbox's private /tmp, never on the host's.
    expect(fs.existsSync(scratch)).toBe(false);
  });

  it('the command gets no descriptor the engine did not give every step (bwrap\'s --info-fd stays outside)', async () => {
    const workspace = tempDir('rba-sbx-ws-');
    const tool = shellTool({ workspace, outputCapBytes: 65_536, passEnv: [] });
    const fds = async (readOnly: boolean) =>
      ((await tool.run({ command: 'ls /proc/self/fd | sort -n | tr "\\n" " "' }, new AbortController().signal, { key: 'k', workflowId: 'wf', stepId: 's', readOnly })).output as ShellOutput).stdout;
    expect(await fds(true)).toBe(await fds(false));
  });
});

describe('sandbox probe', () => {
  it('says why there is no sandbox: not Linux, no bwrap, a bwrap that cannot set one up', () => {
    expect(probeSandbox({ platform: 'darwin' })).toEqual({ available: false, kind: 'none', problem: 'the sandbox needs Linux (bubblewrap); this is darwin' });
    expect(probeSandbox({ bwrap: null, platform: 'linux' })).toMatchObject({ available: false, problem: expect.stringMatching(/bwrap is not installed.*apt-get install bubblewrap/) });
    expect(probeSandbox({ bwrap: '/bin/false', platform: 'linux' })).toMatchObject({ available: false, kind: 'none', problem: expect.stringMatching(/could not set up a sandbox/) });
    expect(probeSandbox({ bwrap: path.join(os.tmpdir(), 'rba-no-such-bwrap'), platform: 'linux' })).toMatchObject({ available: false, problem: expect.stringMatching(/did not start/) });
  });

  it.skipIf(SKIP)(title('finds the installed bubblewrap and starts a confined command with it'), () => {
    const s = sandboxStatus();
    expect(s).toMatchObject({ available: true, kind: 'bubblewrap', path: BWRAP });
    expect(s.version).toMatch(/^\d+\.\d+/);
  });
});

describe('sandbox: doctor and the engine health say whether it is active', () => {
  it('doctor --json and its text carry the probe\'s answer', () => {
    const db = path.join(tempDir('rba-sbx-doctor-'), 'engine.sqlite');
    const json = spawnSync(process.execPath, ['bin/runbook-agent.js', 'doctor', '--json', '--db', db], { encoding: 'utf8' });
    const report = JSON.parse(json.stdout) as { sandbox: unknown };
    const text = spawnSync(process.execPath, ['bin/runbook-agent.js', 'doctor', '--db', db], { encoding: 'utf8' }).stdout;
    if (SKIP) {
      expect(report.sandbox).toMatchObject({ available: false, kind: 'none', problem: expect.any(String) });
      expect(text).toMatch(/^sandbox +not available — /m);
    } else {
      expect(report.sandbox).toEqual({ available: true, kind: 'bubblewrap', version: sandboxStatus().version });
      expect(text).toMatch(/^sandbox +bubblewrap \d+\.\d+\S* \(reads confined\)$/m);
    }
  });

  it('the health the panel shows includes it', () => {
    const engine = Engine.open({ databasePath: path.join(tempDir('rba-sbx-health-'), 'engine.sqlite'), trusted: true });
    cleanup.push(() => engine.close());
    const health = Health.parse(engine.health());
    expect(health.sandbox).toEqual(SKIP ? expect.objectContaining({ available: false }) : { available: true, kind: 'bubblewrap', version: sandboxStatus().version });
  });
});
