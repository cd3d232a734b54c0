import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWorkspaceFile, readWorkspaceText, WorkspaceFileError } from '../../../engine/memory/fsafe/readWorkspaceFile';
import { readHead, readRunbook } from '../../../engine/planning/runbook/workspace';
import { readText, scanWorkspace } from '../../../engine/memory/retrieval/files';
import { tempDir } from '../../helpers/tmp';

const CAP = 256 * 1024;
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function workspace() {
  const root = tempDir('rba-fsafe-');
  const write = (rel: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  };
  return { root, write };
}

/**
 * A FIFO at `file`, plus a safety net: a writer that opens it a few seconds later and closes it at once. A
 * reader that (wrongly) blocked in open() or read() is then released with an empty read, so a regression
 * fails the test instead of hanging the worker (a synchronous block cannot be interrupted by a test timeout).
 * The writer is spawned before the read, so it runs even while this thread is blocked; a correct reader never
 * opens the FIFO, and the writer, itself blocked in open(), is killed afterwards.
 */
function fifo(file: string): void {
  execFileSync('mkfifo', [file]);
  const writer: ChildProcess = spawn('sh', ['-c', 'sleep 3; : > "$1"', 'sh', file], { stdio: 'ignore' });
  cleanup.push(() => writer.kill('SIGKILL'));
}

function refusal(fn: () => unknown): WorkspaceFileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WorkspaceFileError) return error;
    throw error;
  }
  throw new Error('expected a WorkspaceFileError, but the read succeeded');
}

describe('readWorkspaceFile', () => {
  it('reads a normal JSON file, and one through a symbolic link that stays inside the workspace', () => {
    const { root, write } = workspace();
    write('.runbook-agent/policy.json', '{"rules":[]}');
    expect(readWorkspaceText(root, '.runbook-agent/policy.json', { maxBytes: CAP })).toBe('{"rules":[]}');
    write('shared/policy.json', '{"approveReads":true}');
    fs.symlinkSync('../shared/policy.json', path.join(root, '.runbook-agent/linked.json'));
    fs.symlinkSync(path.join(root, 'shared'), path.join(root, 'alias'));
    expect(readWorkspaceText(root, '.runbook-agent/linked.json', { maxBytes: CAP })).toBe('{"approveReads":true}');
    expect(readWorkspaceText(root, 'alias/policy.json', { maxBytes: CAP })).toBe('{"approveReads":true}');
    // Absolute paths inside the root are fine too; an empty file is an empty buffer.
    write('empty.json', '');
    expect(readWorkspaceFile(root, path.join(root, 'empty.json'), { maxBytes: CAP })).toEqual(Buffer.alloc(0));
  });

  it('refuses a FIFO at once, by name, without opening it', () => {
    const { root } = workspace();
    fs.mkdirSync(path.join(root, '.runbook-agent'));
    const file = path.join(root, '.runbook-agent/policy.json');
    fifo(file);
    const e = refusal(() => readWorkspaceFile(root, '.runbook-agent/policy.json', { maxBytes: CAP }));
    expect(e.message).toBe(`${file} is a FIFO, not a regular file`);
    expect(e.problem).toBe('not-regular');
    // A link inside the workspace that leads to the FIFO is the same FIFO.
    fs.symlinkSync('policy.json', path.join(root, '.runbook-agent/via-link.json'));
    expect(refusal(() => readWorkspaceFile(root, '.runbook-agent/via-link.json', { maxBytes: CAP, label: 'policy file X' })).message).toBe('policy file X is a FIFO, not a regular file');
    // The head read (front matter) refuses it too.
    expect(refusal(() => readWorkspaceFile(root, '.runbook-agent/policy.json', { maxBytes: 4096, truncate: true })).problem).toBe('not-regular');
  });

  it('refuses a symbolic link to /dev/zero, and any link or folder link out of the workspace', () => {
    const { root, write } = workspace();
    const outside = tempDir('rba-fsafe-out-');
    fs.writeFileSync(path.join(outside, 'secret.json'), '{"token":"x"}');
    fs.symlinkSync('/dev/zero', path.join(root, 'zero.json'));
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'escape.json'));
    fs.symlinkSync(outside, path.join(root, 'out'));
    write('in.json', '{}');
    const realOutside = fs.realpathSync(outside);
    const realRoot = fs.realpathSync(root);

    const zero = refusal(() => readWorkspaceFile(root, 'zero.json', { maxBytes: CAP }));
    expect(zero.message).toBe(`${path.join(root, 'zero.json')} is a symbolic link to /dev/zero, outside the workspace ${realRoot}`);
    expect(zero.problem).toBe('outside');
    expect(refusal(() => readWorkspaceFile(root, 'escape.json', { maxBytes: CAP })).message).toMatch(/escape\.json is a symbolic link to .*secret\.json, outside the workspace/);
    expect(refusal(() => readWorkspaceFile(root, 'out/secret.json', { maxBytes: CAP })).message).toBe(
      `${path.join(root, 'out/secret.json')} leads through a symbolic link to ${path.join(realOutside, 'secret.json')}, outside the workspace ${realRoot}`,
    );
    expect(refusal(() => readWorkspaceFile(root, '../x.json', { maxBytes: CAP })).message).toMatch(/x\.json is outside the workspace/);
    expect(refusal(() => readWorkspaceFile(root, '/etc/hostname', { maxBytes: CAP })).problem).toBe('outside');
  });

  it('refuses a file over the cap with the cap in the message, without reading it', () => {
    const { root } = workspace();
    const file = path.join(root, 'huge.json');
    // 8 GiB, sparse: only the size says it is huge, and nothing is read.
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 8 * 1024 ** 3);
    const e = refusal(() => readWorkspaceFile(root, 'huge.json', { maxBytes: CAP }));
    expect(e.message).toBe(`${file} is 8589934592 bytes, more than the 262144-byte cap`);
    expect(e.problem).toBe('too-large');
    // Exactly at the cap is fine; one byte more is not.
    fs.writeFileSync(file, Buffer.alloc(CAP, 0x20));
    expect(readWorkspaceFile(root, 'huge.json', { maxBytes: CAP }).length).toBe(CAP);
    fs.appendFileSync(file, ' ');
    expect(refusal(() => readWorkspaceFile(root, 'huge.json', { maxBytes: CAP })).message).toMatch(/is 262145 bytes, more than the 262144-byte cap$/);
    // A head read takes the first bytes instead.
    expect(readWorkspaceFile(root, 'huge.json', { maxBytes: 10, truncate: true }).length).toBe(10);
  });

  it.runIf(fs.existsSync('/proc/self/status'))('reads at most cap + 1 bytes of a file whose size does not say how much it holds', () => {
    // Files under /proc report size 0 and hold more: the stat check passes, the bounded read refuses.
    const e = refusal(() => readWorkspaceFile('/proc/self', 'status', { maxBytes: 64 }));
    expect(e.message).toBe('/proc/self/status grew past the 64-byte cap while being read');
    expect(e.problem).toBe('too-large');
  });

  it('refuses a directory, a socket and a dangling link; says when the file is missing', async () => {
    const { root } = workspace();
    fs.mkdirSync(path.join(root, 'policy.json'));
    expect(refusal(() => readWorkspaceFile(root, 'policy.json', { maxBytes: CAP })).message).toBe(`${path.join(root, 'policy.json')} is a directory, not a regular file`);

    const sock = path.join(root, 's.json');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      expect(refusal(() => readWorkspaceFile(root, 's.json', { maxBytes: CAP })).message).toBe(`${sock} is a socket, not a regular file`);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }

    fs.symlinkSync('nowhere.json', path.join(root, 'dangling.json'));
    expect(refusal(() => readWorkspaceFile(root, 'dangling.json', { maxBytes: CAP })).message).toBe(`${path.join(root, 'dangling.json')} is a symbolic link to nowhere.json, which does not exist`);
    const missing = refusal(() => readWorkspaceFile(root, 'absent/policy.json', { maxBytes: CAP }));
    expect({ message: missing.message, problem: missing.problem }).toEqual({ message: `${path.join(root, 'absent/policy.json')} does not exist`, problem: 'missing' });
  });
});

describe('the engine reads repository files through it', () => {
  it('runbooks, front matter, indexed text and .gitignore files: a FIFO or a link to /dev/zero is refused, never read', () => {
    const { root, write } = workspace();
    write('runbooks/ok.md', '---\nalert: DiskFull\n---\n# ok\n');
    fifo(path.join(root, 'runbooks/pipe.md'));
    fifo(path.join(root, '.gitignore'));
    fs.symlinkSync('/dev/zero', path.join(root, 'runbooks/zero.md'));

    expect(readRunbook(root, 'runbooks/ok.md')).toMatch(/^---\nalert: DiskFull/);
    expect(readHead(root, 'runbooks/ok.md', 8)).toBe('---\naler');
    // insideWorkspace already refuses what is not a file inside; the read refuses a swap done after it.
    expect(() => readRunbook(root, 'runbooks/pipe.md')).toThrow(/is not a Markdown file inside the workspace/);
    expect(() => readHead(root, 'runbooks/pipe.md')).toThrow('runbooks/pipe.md is a FIFO, not a regular file');
    expect(() => readHead(root, 'runbooks/zero.md')).toThrow(/runbooks\/zero\.md is a symbolic link to \/dev\/zero, outside the workspace/);

    const file = (rel: string) => ({ rel, abs: path.join(root, rel), size: 0, mtimeMs: 0 });
    expect(readText(file('runbooks/ok.md'))).toMatchObject({ text: expect.stringContaining('# ok') });
    expect(readText(file('runbooks/pipe.md'))).toEqual({ reason: 'not a regular file: runbooks/pipe.md is a FIFO, not a regular file' });
    expect(readText(file('runbooks/zero.md'))).toEqual({ reason: expect.stringMatching(/^symlink leads outside the workspace: runbooks\/zero\.md is a symbolic link to \/dev\/zero/) });
    write('runbooks/big.md', Buffer.alloc(300, 0x61));
    expect(readText(file('runbooks/big.md'), 200)).toEqual({ reason: 'too large: runbooks/big.md is 300 bytes, more than the 200-byte cap' });

    // The scan finishes: the FIFO .gitignore is skipped like an unreadable one, the FIFO runbook is not a file.
    const scan = scanWorkspace(root);
    expect(scan.files.map((f) => f.rel).sort()).toEqual(['runbooks/big.md', 'runbooks/ok.md']);
    expect(scan.skipped).toEqual([{ rel: 'runbooks/zero.md', reason: 'symlink leads outside the workspace' }]);
  });
});
