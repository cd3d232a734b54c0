// A throwaway PostgreSQL server for tests: Debian's binaries (scripts/setup-postgres.sh installs them), a cluster
// initdb'd into a temporary folder, the server on a free loopback port, stopped and removed afterwards. Postgres
// refuses to run as root, so as root the cluster belongs to an unprivileged user (`postgres` from the Debian
// package, else one made with useradd) and each program runs under setpriv with that uid. startPostgres()
// returns null only when no binaries are installed; anything else that goes wrong is an error.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './processes';

export interface PostgresServer {
  readonly port: number;
  readonly version: string;
  /** postgres://rba@127.0.0.1:PORT/postgres */
  readonly url: string;
  /** The end of the server's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const hasServer = (bin: string) => fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'postgres'));

/**
 * RBA_POSTGRES_BIN when set (binaries installed elsewhere; a folder without them means none), else the newest
 * /usr/lib/postgresql/N/bin that has initdb and postgres; null when there are none.
 */
export function postgresBin(): string | null {
  const chosen = process.env.RBA_POSTGRES_BIN;
  if (chosen) return hasServer(chosen) ? chosen : null;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && hasServer(path.join(root, v, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : path.join(root, versions[0], 'bin');
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

const OWN_USER = 'rba-postgres';

/** Root cannot run postgres: the Debian package's `postgres` user, else our own system user (made once). */
function unprivilegedUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const idOf = (name: string): RunAs | null => {
    try {
      return { uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim()) };
    } catch {
      return null;
    }
  };
  const existing = idOf('postgres') ?? idOf(OWN_USER);
  if (existing) return existing;
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OWN_USER], { stdio: 'pipe' });
  return idOf(OWN_USER);
}

/** argv to run `cmd` as `as` (setpriv execs, so the child's pid is the program's own and signals reach it). */
function command(as: RunAs | null, cmd: string, args: string[]): [string, string[]] {
  return as ? ['setpriv', [`--reuid=${as.uid}`, `--regid=${as.gid}`, '--clear-groups', '--', cmd, ...args]] : [cmd, args];
}

export async function startPostgres(): Promise<PostgresServer | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const as = unprivilegedUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-pg-'));
  if (as) fs.chownSync(dir, as.uid, as.gid);
  const data = path.join(dir, 'data');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
  const [initCmd, initArgs] = command(as, path.join(bin, 'initdb'), ['-D', data, '-U', 'rba', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  try {
    // cwd: a folder the unprivileged user can enter (it may not enter the checkout, e.g. under /root).
    execFileSync(initCmd, initArgs, { env, cwd: dir, stdio: 'pipe', timeout: 120_000 });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message}`);
  }
  const port = await freePort();
  // Durability is not under test here: fsync off makes each commit cheap on a loaded machine.
  const settings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200', 'shared_buffers=32MB', 'log_min_messages=warning'];
  const [cmd, args] = command(as, path.join(bin, 'postgres'), ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port), ...settings.flatMap((s) => ['-c', s])]);
  const child: ChildProcess = spawn(cmd, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `postgres://rba@127.0.0.1:${port}/postgres`;
  // A test process that ends without stop() (a crash, a bail) must not leave a server behind: SIGQUIT is the
  // immediate shutdown, which also ends the server's own children.
  const reap = () => child.kill('SIGQUIT');
  process.once('exit', reap);
  const stop = async () => {
    process.off('exit', reap);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // fast shutdown
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const version = await waitUntilReady(url, child, () => log);
    return { port, url, version, log: () => log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const version = String((await client.query('SHOW server_version')).rows[0]?.server_version);
      await client.end();
      return version;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s (${(error as Error).message}):\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
