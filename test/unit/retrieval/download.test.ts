import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadModel, type PinnedFile } from '../../../engine/memory/embed/download';
import { Embedder } from '../../../engine/memory/embed/embedder';
import { tempDir } from '../../helpers/tmp';
import { hasShared, MODEL_DIR } from './shared';

const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'onnx/model_quantized.onnx'];
type Mode = 'good' | 'truncated' | 'corrupted';

/** A local stand-in for the hub serving the real model files; it can cut or damage the weights. */
async function hub(mode: () => Mode): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url!, 'http://x').pathname.replace(/^\/repo\//, ''));
    if (!FILES.includes(rel)) return void res.writeHead(404).end();
    let body = fs.readFileSync(path.join(MODEL_DIR, rel));
    const m = mode();
    if (rel.endsWith('.onnx') && m === 'corrupted') {
      body = Buffer.from(body);
      body[body.length >> 1]! ^= 0xff;
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (rel.endsWith('.onnx') && m === 'truncated') {
      res.flushHeaders();
      res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.destroy(), 20)); // the connection drops half way
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/repo/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const pins: PinnedFile[] = FILES.map((f) => ({
  path: f,
  sha256: hasShared ? crypto.createHash('sha256').update(fs.readFileSync(path.join(MODEL_DIR, f))).digest('hex') : '',
}));

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function embedsWith(dir: string): Promise<number> {
  const embedder = await Embedder.open({ modelDir: dir, threads: 1 });
  try {
    const [v] = await embedder.embed(['disk is full']);
    return Math.hypot(...v!);
  } finally {
    await embedder.close();
  }
}

describe.skipIf(!hasShared)('model download (local HTTP server standing in for the hub)', () => {
  it('installs a verified model atomically; a truncated or corrupted download is rejected and the old model keeps working', async () => {
    let mode: Mode = 'good';
    const server = await hub(() => mode);
    closers.push(server.close);
    const parent = tempDir();
    const dest = path.join(parent, 'all-MiniLM-L6-v2');

    const first = await downloadModel({ baseUrl: server.url, dest, files: pins });
    expect(first.bytes).toBeGreaterThan(8_000_000);
    expect(await embedsWith(dest)).toBeCloseTo(1, 5);
    const before = Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(dest, f)).length]));

    for (const bad of ['truncated', 'corrupted'] as const) {
      mode = bad;
      await expect(downloadModel({ baseUrl: server.url, dest, files: pins })).rejects.toThrow(
        bad === 'truncated' ? /interrupted|truncated|terminated/ : /does not match the pinned/,
      );
      expect(fs.readdirSync(parent)).toEqual(['all-MiniLM-L6-v2']); // no staging or half-written folder left
      expect(Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(dest, f)).length]))).toEqual(before);
      expect(await embedsWith(dest)).toBeCloseTo(1, 5);
    }
  });

  it('the CLI refuses files that do not match the all-MiniLM-L6-v2 pins', async () => {
    const server = await hub(() => 'good');
    closers.push(server.close);
    const dir = path.join(tempDir(), 'm');
    // Asynchronously: the server lives in this process and must keep answering while the CLI runs.
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.resolve('dist/cli.js'), 'model', 'download', '--dir', dir, '--base-url', server.url], (error, _out, stderr) =>
        resolve({ status: error ? (error.code as number) : 0, stderr }),
      );
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/config\.json: sha256 [0-9a-f]{64} does not match the pinned 7135149f/);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readdirSync(path.dirname(dir))).toEqual([]);
  });
});
