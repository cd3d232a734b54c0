import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/control/db/open';
import { tempDir } from '../helpers/tmp';
import { webhook } from '../unit/intake/fixtures';

function setup() {
  const root = tempDir('rba-serve-');
  const workspace = path.join(root, 'ws');
  fs.cpSync('examples/demo-workspace', workspace, { recursive: true });
  return { root, workspace, db: path.join(root, 'engine.sqlite'), tokenFile: path.join(root, 'intake.token') };
}
const env = (root: string) => ({ ...process.env, XDG_CONFIG_HOME: root, RUNBOOK_AGENT_MODEL: path.join(root, 'no-model') });

async function until(what: string, probe: () => boolean, output: () => string): Promise<void> {
  for (const deadline = Date.now() + 60_000; !probe(); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}:\n${output()}`);
  }
}

describe('runbook-agent serve', () => {
  it('refuses a token file others can read before touching the database, and bad flags with usage', () => {
    const s = setup();
    fs.writeFileSync(s.tokenFile, 'a-token-that-is-long-enough\n', { mode: 0o644 });
    fs.chmodSync(s.tokenFile, 0o644);
    const r = spawnSync(process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', s.workspace, '--db', s.db, '--token-file', s.tokenFile, '--port', '0'], { encoding: 'utf8', env: env(s.root) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/mode 0644: group or others may read it/);
    expect(fs.existsSync(s.db)).toBe(false);
    const bad = spawnSync(process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', s.workspace, '--port', 'http'], { encoding: 'utf8', env: env(s.root) });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--port must be an integer from 0 to 65535/);
  });

  it('on SIGTERM finishes a request already in flight, then exits 0', { timeout: 90_000 }, async () => {
    const s = setup();
    const child = spawn(process.execPath, ['bin/runbook-agent.js', 'serve', '--workspace', s.workspace, '--db', s.db, '--token-file', s.tokenFile, '--port', '0'], { env: env(s.root) });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b));
    child.stderr.on('data', (b: Buffer) => (output += b));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await until('serve to listen', () => /listening on http:\/\/127\.0\.0\.1:\d+/.test(output), () => output);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(output)![1]);
      const body = JSON.stringify(webhook(['inflight1']));
      const token = fs.readFileSync(s.tokenFile, 'utf8').trim();
      // Expect: 100-continue makes the server confirm it has the request before the body is sent.
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/webhook', agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
      });
      await new Promise<void>((resolve) => req.on('continue', resolve));
      child.kill('SIGTERM');
      await until('serve to start shutting down', () => output.includes('SIGTERM'), () => output);
      req.end(body);
      const r = await answer;
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text)).toMatchObject({ accepted: 1 });
      expect(await exited).toBe(0);
      const db = openDatabase(s.db, { readonly: true });
      try {
        expect(db.prepare('SELECT count(*) AS n FROM workflows').get()).toEqual({ n: 1 });
        expect(db.prepare('SELECT count(*) AS n FROM tasks WHERE lease_owner IS NOT NULL').get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
