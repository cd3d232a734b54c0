import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/tmp';
import { hasShared, MODEL_DIR, RUNBOOKS } from './shared';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.resolve('dist/cli.js'), ...args], { encoding: 'utf8' });

describe.skipIf(!hasShared)('runbook-agent index / search (bundled CLI)', () => {
  it('indexes a folder and prints hits as JSON with paths relative to the workspace', () => {
    const root = tempDir();
    fs.cpSync(path.join(RUNBOOKS, 'prometheus-operator'), path.join(root, 'runbooks'), { recursive: true });
    const db = path.join(tempDir(), 'index.sqlite');
    const indexed = cli('index', '--workspace', root, '--db', db, '--model', MODEL_DIR, '--json');
    expect(indexed.status, indexed.stderr).toBe(0);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ changed: 108, removed: 0, skipped: [] });

    const query = 'KubeletDown Target disappeared from Prometheus target discovery. Kubelet has disappeared from Prometheus target discovery.';
    const searched = cli('search', '--db', db, '--k', '5', '--json', query);
    expect(searched.status, searched.stderr).toBe(0);
    const hits = JSON.parse(searched.stdout) as Array<Record<string, unknown>>;
    expect(hits).toHaveLength(5);
    expect(Object.keys(hits[0]!).sort()).toEqual(['docVersion', 'endLine', 'heading', 'path', 'score', 'stale', 'startLine']);
    expect(hits.map((h) => h.path)).toContain('runbooks/kubernetes/KubeletDown.md');
    expect(hits.every((h) => h.stale === false && typeof h.docVersion === 'string')).toBe(true);

    const again = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'index', '--workspace', root, '--db', db, '--model', MODEL_DIR, '--json'], { encoding: 'utf8' }));
    expect(again).toMatchObject({ changed: 0, unchanged: 108, embedded: 0 });

    expect(cli('index', '--workspace', root, '--db', db, '--model', MODEL_DIR, '--check').status).toBe(0);
    fs.appendFileSync(path.join(root, 'runbooks/kubernetes/KubeletDown.md'), '\nedited\n');
    const check = cli('index', '--workspace', root, '--db', db, '--model', MODEL_DIR, '--check');
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('changed: runbooks/kubernetes/KubeletDown.md');
    const stale = JSON.parse(cli('search', '--db', db, '--k', '3', '--json', query).stdout) as Array<{ path: string; stale: boolean }>;
    expect(stale.find((h) => h.path === 'runbooks/kubernetes/KubeletDown.md')?.stale).toBe(true);
  });

  it('explains usage mistakes and a missing index', () => {
    expect(cli('search', '--k', '0', 'x').status).toBe(2);
    const missing = cli('search', '--db', path.join(tempDir(), 'none.sqlite'), 'x');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no index at .*run 'runbook-agent index/);
    expect(cli('index', '--db', 'x.sqlite').stderr).toMatch(/--workspace DIR is required/);
  });
});
