import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDamagedDatabase } from '../helpers/damagedDb';
import { tempDir } from '../helpers/tmp';

describe('runbook-agent serve: the integrity check after open', () => {
  it('starts without waiting for the check, then reports a damaged database and stops with exit 1, leaving the file as it was', { timeout: 90_000 }, async () => {
    const root = tempDir('rba-serve-integrity-');
    const workspace = path.join(root, 'ws');
    fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
    const file = path.join(root, 'engine.sqlite');
    // A current database in WAL mode (opening it writes nothing), with pages of its embeddings table overwritten.
    const bytes = writeDamagedDatabase(file);

    const child = spawn(process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', workspace, '--db', file, '--token-file', path.join(root, 'intake.token'), '--port', '0'], {
      env: { ...process.env, XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: path.join(root, 'no-model') },
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b));
    child.stderr.on('data', (b: Buffer) => (output += b));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toMatch(/serve: database .* is damaged .*It was left as it is/);
    expect(output).toMatch(/serve: stopped/);
    expect(code).toBe(1);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });
});
