// Starts test/store/child.ts as a real Node process: bundled once per test file with esbuild (native modules and
// pg stay external and load from this checkout's node_modules), then spoken to one JSON line at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import * as esbuild from 'esbuild';

let bundled: Promise<string> | null = null;

/**
 * One bundle in .work/ (ignored by git), replaced atomically by rename: test files bundling at once in parallel
 * forks never read a half-written file, and nothing is left in the temp folder when vitest ends a fork abruptly.
 */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = path.resolve('.work/store-child');
    fs.mkdirSync(dir, { recursive: true });
    const outfile = path.join(dir, 'child.cjs');
    const built = await esbuild.build({
      entryPoints: [path.resolve('test/store/child.ts')],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      write: false,
      outfile,
      external: ['better-sqlite3', 'onnxruntime-node', 'pg', 'pg-native'],
      logLevel: 'error',
    });
    const partial = `${outfile}.${process.pid}`;
    fs.writeFileSync(partial, built.outputFiles[0]!.contents);
    fs.renameSync(partial, outfile);
    return outfile;
  })();
  return bundled;
}

export class StoreChild {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string } };
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(Object.assign(new Error(m.error!.message), { name: m.error!.name }));
    });
    child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`store child exited (${code}): ${this.stderr}`));
      this.waiting.clear();
    });
  }

  /** A child process with the store at `url` open (openControlStore). */
  static async open(url: string): Promise<StoreChild> {
    const file = await bundle();
    const child = spawn(process.execPath, [file], { env: { ...process.env, NODE_PATH: path.resolve('node_modules') }, stdio: ['pipe', 'pipe', 'pipe'] });
    const c = new StoreChild(child);
    await c.request({ op: 'open', url });
    return c;
  }

  get pid(): number {
    return this.child.pid!;
  }

  request<T = unknown>(message: Record<string, unknown>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...message })}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.request({ op: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
