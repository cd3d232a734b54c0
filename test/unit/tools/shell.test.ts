import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shellTool, type ShellOptions, type ShellOutput } from '../../../engine/execution/tools/shell';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { tempDir } from '../../helpers/tmp';
import { alive, eventually, killedAfterEach, readPid } from './processes';

const call = { key: 'k1', workflowId: 'wf', stepId: 's1' };

function setup(options: Partial<ShellOptions> = {}) {
  const workspace = tempDir('rba-shell-');
  const tool = shellTool({ workspace, outputCapBytes: 65_536, passEnv: [], ...options });
  const run = async (command: string, signal = new AbortController().signal, timeoutMs?: number): Promise<ShellOutput> =>
    (await tool.run(tool.input.parse({ command, timeoutMs }), signal, call)).output as ShellOutput;
  return { workspace, tool, run };
}

const started = killedAfterEach();

describe('shell: results', () => {
  it('returns exit code, stdout and stderr; a non-zero exit is an outcome, not an error', async () => {
    const out = await setup().run('echo out; echo err >&2; exit 3');
    expect(out).toMatchObject({ exitCode: 3, signal: null, stdout: 'out\n', stderr: 'err\n', truncated: false });
    expect(out.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports the signal that ended the shell', async () => {
    const out = await setup().run('kill -TERM $$');
    expect(out.exitCode).toBeNull();
    expect(out.signal).toBe('SIGTERM');
  });

  it('keeps the head of each stream up to the cap, still drains the rest, and says it truncated', async () => {
    // 5 MB would fill the pipe and stall the command if the tail were not read.
    const out = await setup({ outputCapBytes: 1000 }).run('head -c 5000000 /dev/zero | tr "\\0" a; printf "%02000d" 0 >&2; echo done');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toBe('a'.repeat(1000));
    expect(out.stderr).toBe('0'.repeat(1000));
    expect(out.truncated).toBe(true);
  });

  it('never cuts a UTF-8 character in half at the cap', async () => {
    const out = await setup({ outputCapBytes: 5 }).run('printf "ééé"');
    expect(out.stdout).toBe('éé');
    expect(out.truncated).toBe(true);
  });

  it('redacts secrets in what the command prints', async () => {
    const out = await setup().run('echo "DB_PASSWORD=hunter2-hunter2"; echo "postgres://app:pw123@db/x" >&2');
    expect(out.stdout).toBe('DB_PASSWORD=[REDACTED:password]\n');
    expect(out.stderr).toBe('postgres://app:[REDACTED:password]@db/x\n');
  });

  it('runs in the workspace folder with stdin closed', async () => {
    const { workspace, run } = setup();
    expect((await run('pwd -P')).stdout.trim()).toBe(fs.realpathSync(workspace));
    // `cat` would wait forever on an open stdin.
    expect(await run('cat; echo "read $?"')).toMatchObject({ exitCode: 0, stdout: 'read 0\n' });
  });
});

describe('shell: environment', () => {
  const names = ['RBA_TEST_PLAIN', 'RBA_TEST_UNLISTED', 'RBA_TEST_API_TOKEN', 'RBA_TEST_DB_PASSWORD', 'RBA_TEST_SECRET'];
  afterEach(() => {
    for (const n of names) delete process.env[n];
  });

  it('passes only the basics and listed names, never a secret-looking one even when listed', async () => {
    for (const n of names) process.env[n] = `value-of-${n}`;
    const { run } = setup({ passEnv: ['RBA_TEST_PLAIN', 'RBA_TEST_API_TOKEN', 'RBA_TEST_DB_PASSWORD', 'RBA_TEST_SECRET'] });
    const env = (await run('env')).stdout;
    expect(env).toContain('RBA_TEST_PLAIN=value-of-RBA_TEST_PLAIN');
    expect(env).toContain('RUNBOOK_AGENT=1');
    expect(env).toContain('TERM=dumb');
    expect(env).toContain(`PATH=${process.env.PATH}`);
    for (const n of ['RBA_TEST_UNLISTED', 'RBA_TEST_API_TOKEN', 'RBA_TEST_DB_PASSWORD', 'RBA_TEST_SECRET']) expect(env).not.toContain(n);
    const lines = env.trim().split('\n').map((l) => l.slice(0, l.indexOf('=')));
    const allowed = new Set(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'USER', 'LOGNAME', 'TERM', 'RUNBOOK_AGENT', 'RBA_TEST_PLAIN', 'PWD', 'SHLVL', '_', 'OLDPWD']);
    expect(lines.filter((n) => !allowed.has(n))).toEqual([]);
  });
});

describe('shell: stopping', () => {
  it('on abort, rejects with the reason and kills the whole process group', async () => {
    const { workspace, run } = setup({ killGraceMs: 500 });
    const ac = new AbortController();
    const running = run('sleep 60 & echo $! > bg.pid; echo $$ > sh.pid; sleep 60', ac.signal);
    const bg = await readPid(path.join(workspace, 'bg.pid'));
    const sh = await readPid(path.join(workspace, 'sh.pid'));
    started.push(bg, sh);
    expect(alive(bg) && alive(sh)).toBe(true);
    const reason = new Error('cancelled by a person');
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(await eventually(() => !alive(bg) && !alive(sh))).toBe(true);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const { workspace, run } = setup({ killGraceMs: 200 });
    const ac = new AbortController();
    const running = run("trap '' TERM; echo $$ > sh.pid; while :; do sleep 0.05; done", ac.signal);
    const sh = await readPid(path.join(workspace, 'sh.pid'));
    started.push(sh);
    ac.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    expect(await eventually(() => !alive(sh))).toBe(true);
  });

  it('its own timeout is a tool_timeout and kills the group', async () => {
    const { workspace, run } = setup({ killGraceMs: 200 });
    const running = run('echo $$ > sh.pid; sleep 60', new AbortController().signal, 300);
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClassifiedError);
    expect((error as ClassifiedError).failureClass).toBe('tool_timeout');
    const sh = await readPid(path.join(workspace, 'sh.pid'));
    expect(await eventually(() => !alive(sh))).toBe(true);
  });

  it('does not wait on a background job that keeps the output open after the shell exits', async () => {
    const { workspace, run } = setup({ lingerMs: 100, killGraceMs: 200 });
    const out = await run('sleep 60 & echo $! > bg.pid; echo started');
    expect(out).toMatchObject({ exitCode: 0, stdout: 'started\n' });
    const bg = await readPid(path.join(workspace, 'bg.pid'));
    started.push(bg);
    expect(await eventually(() => !alive(bg))).toBe(true);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { workspace, run } = setup();
    const ac = new AbortController();
    ac.abort(new Error('too late'));
    await expect(run('touch ran', ac.signal)).rejects.toThrow('too late');
    expect(fs.existsSync(path.join(workspace, 'ran'))).toBe(false);
  });

  it('a shell that cannot start is a permanent failure', async () => {
    const tool = shellTool({ workspace: '/nonexistent/rba-workspace', outputCapBytes: 1000, passEnv: [] });
    const error = await tool.run({ command: 'true' }, new AbortController().signal, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClassifiedError);
    expect((error as ClassifiedError).failureClass).toBe('permanent');
    expect((error as Error).message).toContain('/nonexistent/rba-workspace');
  });
});

describe('shell: description', () => {
  const { tool } = setup();
  it('is a non-idempotent write tool of class shell whose risk per command comes from the classifier', () => {
    expect(tool).toMatchObject({ name: 'shell', risk: 'write', toolClass: 'shell', idempotent: false });
    expect(tool.assess!({ command: 'kubectl get pods -n web' }).risk).toBe('read');
    const rm = tool.assess!({ command: 'rm -rf /var/cache/app' });
    expect(rm.risk).toBe('write');
    expect(rm.reasons.length).toBeGreaterThan(0);
  });

  it('describes a call by its command, and places answers by where they land', () => {
    expect(tool.describe!({ command: 'uptime' })).toBe('uptime');
    const bind = (command: string, answer: string) => tool.bind!({ command }, { x: answer });
    expect(bind('kubectl logs {{answer:x}}', 'api-0')).toEqual({ input: { command: 'kubectl logs api-0' }, review: [] });
    // Not a plain word: one quoted argument, and a person sees it first.
    const hostile = bind('kubectl logs {{answer:x}}', "a'; rm -rf /");
    expect(hostile.input).toEqual({ command: `kubectl logs 'a'\\''; rm -rf /'` });
    expect(hostile.review).toEqual([`the person's value for x "a'; rm -rf /" is not a plain word; check the command before it runs`]);
    expect(bind('kubectl logs {{answer:x}}', '--profile=cpu').review[0]).toContain('starts with "-"');
    // Arithmetic takes numbers only: anything else is refused, never quoted into code.
    expect(bind('(( {{answer:x}} > 300 ))', '500')).toEqual({ input: { command: '(( 500 > 300 ))' }, review: [] });
    expect(() => bind('(( {{answer:x}} > 300 ))', 'a[$(touch f)]')).toThrow(/is not a number, and arithmetic takes only numbers/);
  });

  it('rejects empty, oversized and unknown input', () => {
    expect(tool.input.safeParse({ command: '' }).success).toBe(false);
    expect(tool.input.safeParse({ command: 'x'.repeat(20_001) }).success).toBe(false);
    expect(tool.input.safeParse({ command: 'true', timeoutMs: 0 }).success).toBe(false);
    expect(tool.input.safeParse({ command: 'true', timeoutMs: 3_600_001 }).success).toBe(false);
    expect(tool.input.safeParse({ command: 'true', cwd: '/' }).success).toBe(false);
  });
});
