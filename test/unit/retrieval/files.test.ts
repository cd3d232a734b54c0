import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOnePath, readText, scanWorkspace } from '../../../engine/memory/retrieval/files';
import { tempDir } from '../../helpers/tmp';

function write(root: string, rel: string, data: string | Buffer) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
}

describe('scanWorkspace', () => {
  it('applies .gitignore files (nested ones too) and the exclude setting, and skips bad files with a reason', () => {
    const root = tempDir();
    const outside = tempDir();
    write(root, 'ok.md', '# ok\n\ntext\n');
    write(root, 'notes.txt', 'not markdown');
    write(root, '.gitignore', 'build/\n*.draft.md\n');
    write(root, 'build/gen.md', '# generated\n');
    write(root, 'a.draft.md', '# draft\n');
    write(root, 'sub/.gitignore', 'local.md\n!keep.draft.md\n');
    write(root, 'sub/local.md', '# local\n');
    write(root, 'sub/deep/kept.md', '# kept\n');
    write(root, 'vendor/x.md', '# vendored\n');
    write(root, 'node_modules/pkg/README.md', '# pkg\n');
    write(root, 'empty.md', '');
    write(root, 'huge.md', Buffer.alloc(300, 'a'));
    write(outside, 'secret.md', '# secret\n');
    fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'escape.md'));
    fs.symlinkSync(path.join(root, 'ok.md'), path.join(root, 'alias.md'));

    const scan = scanWorkspace(root, { exclude: ['vendor/'], maxBytes: 200 });
    expect(scan.files.map((f) => f.rel).sort()).toEqual(['alias.md', 'ok.md', 'sub/deep/kept.md']);
    expect(Object.fromEntries(scan.skipped.map((s) => [s.rel, s.reason]))).toEqual({
      'empty.md': 'empty file',
      'escape.md': 'symlink leads outside the workspace',
      'huge.md': 'too large (300 bytes, limit 200)',
    });
    expect(checkOnePath(root, 'sub/local.md')).toBeNull();
    expect(checkOnePath(root, 'build/gen.md')).toBeNull();
    expect(checkOnePath(root, 'ok.md')).toMatchObject({ rel: 'ok.md', size: 11 });
    expect(checkOnePath(root, 'gone.md')).toBeNull();
  });

  it('refuses binary content, invalid UTF-8 and blank files when reading', () => {
    const root = tempDir();
    write(root, 'bin.md', Buffer.from([0x23, 0x20, 0x00, 0x01, 0x02]));
    write(root, 'latin1.md', Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9]));
    write(root, 'blank.md', '  \n\n ');
    write(root, 'bom.md', '\uFEFF# title\n');
    const read = (rel: string) => readText({ rel, abs: path.join(root, rel), size: 0, mtimeMs: 0 });
    expect(read('bin.md')).toEqual({ reason: 'binary file (contains NUL bytes)' });
    expect(read('latin1.md')).toEqual({ reason: 'invalid UTF-8' });
    expect(read('blank.md')).toEqual({ reason: 'empty file' });
    expect(read('bom.md')).toMatchObject({ text: '# title\n' });
  });
});
