import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileTool, type ReadFileOutput } from '../../../engine/execution/tools/readFile';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { tempDir } from '../../helpers/tmp';

const call = { key: 'k', workflowId: 'wf', stepId: 's' };

/** A workspace with a nested file, beside a folder outside it that holds a secret. */
function layout(outputCapBytes = 65_536) {
  const root = tempDir('rba-read-');
  const workspace = path.join(root, 'ws');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(workspace, 'docs', 'runbooks'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(workspace, 'docs', 'runbooks', 'disk.md'), '# Disk full\n\nRun `df -h`.\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the workspace\n');
  const t = readFileTool({ workspace, outputCapBytes });
  const read = async (input: Record<string, unknown>): Promise<ReadFileOutput> =>
    (await t.run(t.input.parse(input), new AbortController().signal, call)).output as ReadFileOutput;
  return { root, workspace, outside, t, read };
}

async function failure(p: Promise<unknown>, cls: string): Promise<string> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(ClassifiedError);
  expect((e as ClassifiedError).failureClass).toBe(cls);
  return (e as Error).message;
}

describe('read_file: inside the workspace', () => {
  it('reads a nested file and names it relative to the workspace', async () => {
    const { read } = layout();
    const text = '# Disk full\n\nRun `df -h`.\n';
    expect(await read({ path: 'docs/runbooks/disk.md' })).toEqual({ path: 'docs/runbooks/disk.md', text, bytes: Buffer.byteLength(text), truncated: false });
  });

  it('accepts an absolute path inside the workspace and a path that wanders but stays inside', async () => {
    const { workspace, read } = layout();
    expect((await read({ path: path.join(workspace, 'docs/runbooks/disk.md') })).path).toBe('docs/runbooks/disk.md');
    expect((await read({ path: 'docs/../docs/runbooks/disk.md' })).path).toBe('docs/runbooks/disk.md');
  });

  it('follows a link that stays inside the workspace', async () => {
    const { workspace, read } = layout();
    fs.symlinkSync(path.join('runbooks', 'disk.md'), path.join(workspace, 'docs', 'latest.md'));
    expect((await read({ path: 'docs/latest.md' })).text).toContain('Disk full');
  });

  it('works when the workspace itself is reached through a link', async () => {
    const { root, workspace } = layout();
    const alias = path.join(root, 'alias');
    fs.symlinkSync(workspace, alias);
    const t = readFileTool({ workspace: alias, outputCapBytes: 1000 });
    const out = (await t.run({ path: 'docs/runbooks/disk.md' }, new AbortController().signal, call)).output as ReadFileOutput;
    expect(out.path).toBe('docs/runbooks/disk.md');
  });

  it('caps the text at maxBytes, reports the full size, and redacts secrets', async () => {
    const { workspace, read } = layout();
    const line = 'DB_PASSWORD=hunter2-hunter2\n';
    fs.writeFileSync(path.join(workspace, '.env'), `${line}${'x'.repeat(5000)}`);
    const out = await read({ path: '.env', maxBytes: 40 });
    expect(out.text).toBe(`DB_PASSWORD=[REDACTED:password]\n${'x'.repeat(40 - line.length)}`);
    expect(out.bytes).toBe(line.length + 5000);
    expect(out.truncated).toBe(true);
  });
});

describe('read_file: refused', () => {
  it('refuses ../ out of the workspace', async () => {
    const { read } = layout();
    expect(await failure(read({ path: '../outside/secret.txt' }), 'policy')).toContain('outside the workspace');
    expect(await failure(read({ path: 'docs/../../outside/secret.txt' }), 'policy')).toContain('outside the workspace');
  });

  it('refuses an absolute path outside the workspace', async () => {
    const { outside, read } = layout();
    expect(await failure(read({ path: path.join(outside, 'secret.txt') }), 'policy')).toContain('outside the workspace');
    await failure(read({ path: '/etc/passwd' }), 'policy');
  });

  it('refuses a link that leads outside, to a file or through a folder', async () => {
    const { workspace, outside, read } = layout();
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(workspace, 'innocent.txt'));
    fs.symlinkSync(outside, path.join(workspace, 'docs', 'shared'));
    expect(await failure(read({ path: 'innocent.txt' }), 'policy')).toContain('link to a place outside the workspace');
    await failure(read({ path: 'docs/shared/secret.txt' }), 'policy');
  });

  it('refuses a NUL byte in the path', async () => {
    const { read } = layout();
    expect(await failure(read({ path: 'docs/runbooks/disk.md\0.txt' }), 'policy')).toContain('NUL');
  });

  it('refuses a directory, a missing file and a FIFO', async () => {
    const { workspace, read } = layout();
    expect(await failure(read({ path: 'docs' }), 'permanent')).toContain('is a directory');
    expect(await failure(read({ path: 'docs/missing.md' }), 'permanent')).toContain('does not exist');
    execFileSync('mkfifo', [path.join(workspace, 'pipe')]);
    expect(await failure(read({ path: 'pipe' }), 'permanent')).toContain('not a regular file');
  });

  it('is an idempotent file read with strict input', () => {
    const { t } = layout();
    expect(t).toMatchObject({ name: 'read_file', risk: 'read', toolClass: 'file', idempotent: true });
    expect(t.input.safeParse({ path: '' }).success).toBe(false);
    expect(t.input.safeParse({ path: 'a', maxBytes: 0 }).success).toBe(false);
    expect(t.input.safeParse({ path: 'a', follow: true }).success).toBe(false);
  });
});
