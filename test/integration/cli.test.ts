import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DoctorReport } from '../../engine/entry/cli/commands/doctor';
import { openDatabase } from '../../engine/control/db/open';
import { tempDir } from '../helpers/tmp';

const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
const modelDir = path.resolve('..', 'shared', 'models', 'static-ops-embed-256');

/** Runs the real `runbook-agent` bin in a child process. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['bin/runbook-agent.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, XDG_DATA_HOME: tempDir(), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('runbook-agent CLI', () => {
  it('prints its version and help', () => {
    expect(cli(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: runbook-agent <command>/);
    expect(help.stdout).toMatch(/doctor/);
  });

  it('exits 2 with a usage message for unknown commands, bad flags and no command', () => {
    const unknown = cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(unknown.stderr).toMatch(/usage:/);

    const badFlag = cli(['doctor', '--no-such-flag']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--no-such-flag'/);
    expect(badFlag.stderr).toMatch(/usage: runbook-agent doctor/);

    const missingValue = cli(['doctor', '--db']);
    expect(missingValue.code).toBe(2);
    expect(missingValue.stderr).toMatch(/--db/);

    expect(cli([]).code).toBe(2);
    expect(cli(['--bogus']).stderr).toMatch(/unknown option '--bogus'/);
  });

  it.skipIf(!fs.existsSync(modelDir))('doctor --json reports runtime, model hash and database without creating it', () => {
    const db = path.join(tempDir(), 'sub', 'engine.sqlite');
    const r = cli(['doctor', '--json', '--db', db, '--model', modelDir]);
    expect(r.code).toBe(0);
    const report = DoctorReport.parse(JSON.parse(r.stdout));
    expect(report.node).toBe(process.versions.node);
    expect(report.sqlite).toMatch(/^3\./);
    expect(report.onnxruntime).toBe('1.30.0');
    expect(report.model?.path).toBe(modelDir);
    // The sha256 published in the model's MANIFEST.md for its int8 weights.
    expect(report.model?.sha256).toBe('1542b478235d229189c62660742bc022c78c05990a34ad87ec1619c1e4954c09');
    expect(report.database).toEqual({ path: db, exists: false, schemaVersion: null, problem: null });
    expect(report.index).toBeNull();
    expect(fs.existsSync(db)).toBe(false);
  });

  it('doctor reads an existing database, and reports a missing model and a newer database as problems', () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.sqlite');
    openDatabase(good).close();
    const ok = DoctorReport.parse(JSON.parse(cli(['doctor', '--json', '--db', good]).stdout));
    expect(ok.database.schemaVersion).toBeGreaterThanOrEqual(1);

    const newer = path.join(dir, 'newer.sqlite');
    const raw = new Database(newer);
    raw.pragma('user_version = 500');
    raw.close();
    const r = cli(['doctor', '--json', '--db', newer, '--model', path.join(dir, 'no-model')]);
    expect(r.code).toBe(1);
    const report = DoctorReport.parse(JSON.parse(r.stdout));
    expect(report.ok).toBe(false);
    expect(report.database.problem).toMatch(/schema version 500/);
    expect(report.modelProblem).toMatch(/no-model: folder does not exist/);

    const human = cli(['doctor', '--db', newer, '--model', path.join(dir, 'no-model')]);
    expect(human.stdout).toMatch(/PROBLEM/);
    expect(human.stdout).toMatch(/problems found/);
  });
});

describe.skipIf(!fs.existsSync(modelDir))('doctor --workspace', () => {
  it('reports which indexed files changed, went away or are new since indexing', () => {
    const dir = tempDir();
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'disk.md'), '# Disk full\n\n## Diagnosis\n\nRun `df -h`.\n');
    fs.writeFileSync(path.join(ws, 'cpu.md'), '# CPU high\n\n## Diagnosis\n\nRun `top -b -n 1`.\n');
    const db = path.join(dir, 'engine.sqlite');
    expect(cli(['index', '--workspace', ws, '--db', db, '--model', modelDir]).code).toBe(0);

    const fresh = DoctorReport.parse(JSON.parse(cli(['doctor', '--json', '--db', db, '--model', modelDir, '--workspace', ws]).stdout));
    expect(fresh.index).toMatchObject({ indexed: 2, fresh: true, changed: [], deleted: [], added: [] });

    fs.appendFileSync(path.join(ws, 'disk.md'), '\nAlso check `du -sh /var/log`.\n');
    fs.rmSync(path.join(ws, 'cpu.md'));
    fs.writeFileSync(path.join(ws, 'memory.md'), '# Memory\n\nRun `free -m`.\n');
    const r = cli(['doctor', '--db', db, '--model', modelDir, '--workspace', ws]);
    expect(r.stdout).toMatch(/1 changed, 1 deleted, 1 new since indexing/);
    const stale = DoctorReport.parse(JSON.parse(cli(['doctor', '--json', '--db', db, '--model', modelDir, '--workspace', ws]).stdout));
    expect(stale.index).toMatchObject({ fresh: false, changed: ['disk.md'], deleted: ['cpu.md'], added: ['memory.md'] });
  });
});
