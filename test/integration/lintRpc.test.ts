// The runbook quality report over JSON-RPC, as the editor's Problems panel asks for it (protocol/lint.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lintRunbook } from '../../protocol/lint';
import { startEngine, type EngineProcess } from '../helpers/engineProcess';
import { tempDir } from '../helpers/tmp';

const engines: EngineProcess[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.stop()));
});

async function engineOn(files: Record<string, string>) {
  const root = tempDir('rba-lint-rpc-');
  const workspace = path.join(root, 'ws');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspace, rel)), { recursive: true });
    fs.writeFileSync(path.join(workspace, rel), text);
  }
  const engine = await startEngine({ storagePath: root, modelPath: path.join(root, 'no-model'), trusted: true, workspaceFolders: [workspace] });
  engines.push(engine);
  const lint = async (params: unknown) => lintRunbook.result.parse(await engine.connection.sendRequest(lintRunbook.method, params));
  return { root, workspace, lint };
}

const KUBE = fs.readFileSync('test/fixtures/e2e-kube/runbooks/KubePodCrashLooping.md', 'utf8');
const QUEUE = ['# Widget queue stuck', '', '## Mitigation', '', '```sh', 'systemctl restart $WIDGET_UNIT', '```', ''].join('\n');

describe('runbookAgent/lintRunbook over JSON-RPC', () => {
  it('returns findings with lines, columns, severity, code and message for a runbook of the workspace', async () => {
    const d = await engineOn({ 'runbooks/queue.md': QUEUE, 'runbooks/KubePodCrashLooping.md': KUBE });
    const r = await d.lint({ workspace: d.workspace, path: 'runbooks/queue.md' });
    expect(r.runbook).toBe(true);
    expect(r.findings).toEqual(
      expect.arrayContaining([
        { startLine: 6, startColumn: 18, endLine: 6, endColumn: 30, severity: 'warning', code: 'unfilled-placeholder', message: expect.stringContaining('$WIDGET_UNIT') },
        { startLine: 5, startColumn: 0, endLine: 7, endColumn: 3, severity: 'warning', code: 'write-without-verification', message: expect.stringContaining('no Verification section') },
      ]),
    );
    // The public runbook is read as a runbook (prose commands, a Diagnosis section); its findings, if any, sit on its lines.
    const kube = await d.lint({ workspace: d.workspace, path: 'runbooks/KubePodCrashLooping.md' });
    expect(kube.runbook).toBe(true);
    for (const f of kube.findings) expect(f.endLine).toBeLessThanOrEqual(KUBE.split('\n').length);
  });

  it('says a Markdown file that is not a runbook is none, with no findings', async () => {
    const d = await engineOn({ 'README.md': '# Notes\n\nWe use `kubectl describe` sometimes.\n' });
    expect(await d.lint({ workspace: d.workspace, path: 'README.md' })).toEqual({ runbook: false, findings: [] });
  });

  it('refuses a folder that is not the window\'s, a path leaving the workspace, a link out of it, and bad params', async () => {
    const d = await engineOn({ 'runbooks/queue.md': QUEUE });
    fs.writeFileSync(path.join(d.root, 'outside.md'), QUEUE);
    fs.symlinkSync(path.join(d.root, 'outside.md'), path.join(d.workspace, 'runbooks', 'link.md'));
    await expect(d.lint({ workspace: d.root, path: 'outside.md' })).rejects.toThrow(/not one of this window's workspace folders/);
    await expect(d.lint({ workspace: d.workspace, path: '../outside.md' })).rejects.toThrow();
    await expect(d.lint({ workspace: d.workspace, path: 'runbooks/link.md' })).rejects.toThrow();
    await expect(d.lint({ workspace: d.workspace, path: 'runbooks/missing.md' })).rejects.toThrow();
    await expect(d.lint({ workspace: d.workspace })).rejects.toThrow(/invalid params for runbookAgent\/lintRunbook/);
  });
});
