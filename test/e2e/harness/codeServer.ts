import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CODE_SERVER, ROOT } from './paths';

export interface CodeServerOptions {
  /** User settings written before start. */
  settings?: Record<string, unknown>;
  /** .vsix files to install into the extensions folder. */
  install?: string[];
  /** Extra `--vscode-option`-style flags. */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A real code-server on 127.0.0.1 whose state (user data, extensions, XDG, TMPDIR) lives in one work folder. */
export class CodeServer {
  private constructor(
    readonly url: string,
    readonly port: number,
    readonly work: string,
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {}

  get userDataDir(): string {
    return path.join(this.work, 'user-data');
  }

  static async start(name: string, options: CodeServerOptions = {}): Promise<CodeServer> {
    if (!fs.existsSync(CODE_SERVER)) throw new Error(`code-server is not installed at ${CODE_SERVER}; run scripts/setup-e2e.sh`);
    const work = path.join(ROOT, '.work', 'e2e', `${name}-${Date.now()}`);
    const dirs = { userData: path.join(work, 'user-data'), extensions: path.join(work, 'extensions'), xdg: path.join(work, 'xdg'), tmp: path.join(work, 'tmp') };
    for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(dirs.userData, 'User', 'settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...options.settings,
      }),
    );
    // Machine-scoped settings (VS Code's "open walkthroughs on install") reach the extension host from the server's
    // own settings file, not from the user's: the same value goes there.
    const walkthroughs = 'workbench.welcomePage.walkthroughs.openOnInstall';
    fs.mkdirSync(path.join(dirs.userData, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(dirs.userData, 'Machine', 'settings.json'), JSON.stringify({ [walkthroughs]: options.settings?.[walkthroughs] ?? false }));
    const env = { ...process.env, XDG_CONFIG_HOME: dirs.xdg, XDG_DATA_HOME: dirs.xdg, XDG_CACHE_HOME: dirs.xdg, TMPDIR: dirs.tmp, ...options.env };
    const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    for (const vsix of options.install ?? []) {
      const r = spawnSync(CODE_SERVER, [...common, '--install-extension', vsix], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`installing ${vsix} failed: ${r.stderr || r.stdout}`);
    }
    const port = await freePort();
    const logFile = path.join(work, 'code-server.log');
    const log = fs.openSync(logFile, 'a');
    // detached = setsid: the whole process group (server, extension hosts, engine) is stopped together.
    const child = spawn(
      CODE_SERVER,
      ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...common, '--disable-telemetry', '--disable-update-check', ...(options.extraArgs ?? [])],
      { env, detached: true, stdio: ['ignore', log, log] },
    );
    const server = new CodeServer(`http://127.0.0.1:${port}`, port, work, child, logFile);
    await server.waitHealthy();
    return server;
  }

  private async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`code-server exited early:\n${this.log()}`);
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`code-server did not become healthy in ${timeoutMs} ms:\n${this.log()}`);
  }

  log(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8').slice(-4000) : '';
  }

  /** Files of an output channel ("Runbook Agent") written by the extension host. */
  outputChannelLog(channel: string): string {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.endsWith(`${channel}.log`)) found.push(p);
      }
    };
    const logs = path.join(this.userDataDir, 'logs');
    if (fs.existsSync(logs)) walk(logs);
    return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  workspaceUrl(folder: string, query = ''): string {
    return `${this.url}/?folder=${encodeURIComponent(folder)}${query}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
