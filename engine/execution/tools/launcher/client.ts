// The engine's side of the process launcher (main.ts): one launcher per engine, started on the first program
// and again after it dies. A program started through it looks like a small ChildProcess: events for its pid,
// its output, its exit and the end of its output. While no program runs, the launcher does not keep the engine
// alive (a CLI command still exits when its work is done).
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { threadFile } from '../../../shared/thread/client';
import { LaunchEvent, type LaunchRequest } from './protocol';

export interface LaunchOptions {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly info: boolean;
  readonly capBytes: number;
}

/**
 * A program the launcher started. Events: `spawn` (pid), `error` (it could not start), `stdout` / `stderr` /
 * `info` (a Buffer), `exit` (code, signal), `close` (its output ended), and `lost` (an Error: the launcher died,
 * so nothing more follows and the program's outcome is unknown).
 */
export class LaunchedProcess extends EventEmitter {
  pid: number | undefined;

  constructor(
    readonly id: number,
    private readonly launcher: Launcher,
  ) {
    super();
  }

  /** Calls `fn` with the pid now, or once the program has started (never, if it does not start). */
  withPid(fn: (pid: number) => void): void {
    if (this.pid !== undefined) fn(this.pid);
    else this.once('spawn', fn);
  }

  /** Stops reading its output: `close` follows. */
  dropOutput(): void {
    this.launcher.request({ type: 'drop-output', id: this.id });
  }
}

export class Launcher {
  private child: ChildProcess | null = null;
  private readonly running = new Map<number, LaunchedProcess>();
  private nextId = 1;

  constructor(private readonly file = threadFile('launcher')) {}

  spawn(options: LaunchOptions): LaunchedProcess {
    const id = this.nextId++;
    const launched = new LaunchedProcess(id, this);
    this.running.set(id, launched);
    const env = Object.fromEntries(Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined));
    this.request({ type: 'spawn', id, file: options.file, args: [...options.args], cwd: options.cwd, env, info: options.info, capBytes: options.capBytes });
    return launched;
  }

  request(message: LaunchRequest): void {
    const child = this.ensure();
    this.hold(true);
    child.send(message);
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    // No inspector, profiler or loader flags of the engine's own: the launcher is plain bundled JavaScript.
    const child = fork(this.file, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', execArgv: [] });
    child.on('message', (raw) => this.onEvent(raw));
    child.on('error', () => undefined); // its exit follows and says what happened
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    this.child = child;
    return child;
  }

  private onEvent(raw: unknown): void {
    const parsed = LaunchEvent.safeParse(raw);
    if (!parsed.success) return;
    const e = parsed.data;
    const launched = this.running.get(e.id);
    if (!launched) return;
    switch (e.type) {
      case 'spawned':
        launched.pid = e.pid;
        launched.emit('spawn', e.pid);
        break;
      case 'error':
        this.done(e.id);
        launched.emit('error', new Error(e.message));
        break;
      case 'data':
        launched.emit(e.stream, Buffer.from(e.chunk.buffer, e.chunk.byteOffset, e.chunk.byteLength));
        break;
      case 'exit':
        launched.emit('exit', e.code, e.signal);
        break;
      case 'close':
        this.done(e.id);
        launched.emit('close');
        break;
    }
  }

  /**
   * The launcher died (killed, out of memory): what it was running is stopped (each program's group, as the
   * launcher would have on its way out) and reported lost.
   */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = null;
    const lost = [...this.running.values()];
    this.running.clear();
    for (const launched of lost) {
      if (launched.pid !== undefined) killGroup(launched.pid);
      launched.emit('lost', new Error(`the process launcher stopped (${signal ?? `exit ${code}`}) while this program ran; its outcome is unknown`));
    }
  }

  private done(id: number): void {
    this.running.delete(id);
    if (this.running.size === 0) this.hold(false);
  }

  /** Whether the launcher keeps this process alive: only while a program runs. */
  private hold(on: boolean): void {
    const child = this.child;
    if (!child) return;
    if (on) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let shared: Launcher | undefined;

/** The engine's launcher. */
export function launcher(): Launcher {
  return (shared ??= new Launcher());
}
