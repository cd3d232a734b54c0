// Entry of the process launcher (bundled to dist/launcher.js), a small child of the engine that starts the
// tools' programs for it. Starting a program from the engine forks the engine, whose memory holds the model
// and the index: the fork's cost grows with that memory (about 7 ms at 60 MB, 20 ms at 500 MB here) and the
// engine's event loop stands still meanwhile. Forked from this small process it costs the same at any engine
// size and stalls nothing the editor waits on. It only starts, relays and stops: timeouts, kills and the
// sandbox stay with the engine (engine/execution/tools/process.ts). When the engine goes away (its IPC channel
// closes), every program still running is killed with its process group, and the launcher exits.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { LaunchRequest, type LaunchEvent } from './protocol';

// The programs are background work next to what a person waits on (the editor's requests, the intake answering
// Alertmanager): on a busy machine they get a smaller share of the CPU than the engine (nice +10, as `nice` runs a
// command). Their children inherit it.
try {
  os.setPriority(0, Math.min(19, os.getPriority(0) + 10));
} catch {
  // not allowed here: they run at the engine's priority
}

const running = new Map<number, ChildProcess>();

function send(event: LaunchEvent): void {
  if (process.connected) process.send!(event);
}

function relay(id: number, stream: Readable | null | undefined, name: 'stdout' | 'stderr' | 'info', capBytes: number): void {
  if (!stream) return;
  let sent = 0;
  stream.on('error', () => undefined);
  stream.on('data', (chunk: Buffer) => {
    // Past the cap the engine keeps nothing: the pipe is still drained, so the program is never blocked on it.
    const room = capBytes + 1 - sent;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    sent += part.length;
    send({ type: 'data', id, stream: name, chunk: part });
  });
}

function start(m: Extract<LaunchRequest, { type: 'spawn' }>): void {
  let child: ChildProcess;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, stdio: m.info ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'], detached: true });
  } catch (error) {
    send({ type: 'error', id: m.id, message: (error as Error).message });
    return;
  }
  running.set(m.id, child);
  child.once('spawn', () => send({ type: 'spawned', id: m.id, pid: child.pid! }));
  child.once('error', (error) => {
    // Only a failed start reports an error without exit and close; a running child's errors end in those.
    if (child.pid === undefined) {
      running.delete(m.id);
      send({ type: 'error', id: m.id, message: error.message });
    }
  });
  relay(m.id, child.stdout, 'stdout', m.capBytes);
  relay(m.id, child.stderr, 'stderr', m.capBytes);
  if (m.info) relay(m.id, child.stdio[3] as Readable, 'info', m.capBytes);
  child.once('exit', (code, signal) => {
    (child.stdio[3] as Readable | undefined)?.destroy();
    send({ type: 'exit', id: m.id, code, signal });
  });
  child.once('close', () => {
    running.delete(m.id);
    send({ type: 'close', id: m.id });
  });
}

process.on('message', (raw) => {
  const parsed = LaunchRequest.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`runbook-agent launcher: ignored a malformed request: ${parsed.error.message}\n`);
    return;
  }
  const m = parsed.data;
  if (m.type === 'spawn') start(m);
  else {
    const child = running.get(m.id);
    child?.stdout?.destroy();
    child?.stderr?.destroy();
  }
});

process.on('disconnect', () => {
  for (const child of running.values()) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
