import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface PinnedFile {
  /** Path inside the model folder, forward slashes; also the path under the base URL. */
  readonly path: string;
  readonly sha256: string;
}

/** all-MiniLM-L6-v2 in the transformers.js layout, every file pinned (hashes from the upstream repository). */
export const MINILM_L6_V2 = {
  name: 'all-MiniLM-L6-v2',
  baseUrl: 'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/',
  files: [
    { path: 'config.json', sha256: '7135149f7cffa1a573466c6e4d8423ed73b62fd2332c575bf738a0d033f70df7' },
    { path: 'tokenizer.json', sha256: 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0' },
    { path: 'tokenizer_config.json', sha256: '9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3' },
    { path: 'special_tokens_map.json', sha256: 'b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3' },
    { path: 'vocab.txt', sha256: '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3' },
    { path: 'onnx/model_quantized.onnx', sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1' },
  ] satisfies PinnedFile[],
} as const;

export interface DownloadOptions {
  readonly baseUrl: string;
  readonly dest: string;
  readonly files: readonly PinnedFile[];
  readonly onFile?: (file: string, bytes: number) => void;
  readonly timeoutMs?: number;
}

/**
 * Downloads a model folder into a staging folder beside `dest`, checks every file against its pinned sha256,
 * and only then swaps it into place with renames. Any failure (network, truncation, wrong bytes) removes the
 * staging folder and leaves `dest`, and so the model the user had, exactly as it was.
 */
export async function downloadModel(options: DownloadOptions): Promise<{ dest: string; bytes: number }> {
  const dest = path.resolve(options.dest);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const staging = `${dest}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  fs.mkdirSync(staging);
  let bytes = 0;
  try {
    for (const file of options.files) {
      const url = new URL(file.path, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).href;
      const size = await fetchVerified(url, path.join(staging, file.path), file.sha256, options.timeoutMs ?? 10 * 60_000);
      bytes += size;
      options.onFile?.(file.path, size);
    }
    swapInto(staging, dest);
    return { dest, bytes };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

async function fetchVerified(url: string, target: string, sha256: string, timeoutMs: number): Promise<number> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    throw new Error(`${url}: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`);
  }
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(target, 'w');
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      fs.writeSync(fd, chunk);
      received += chunk.byteLength;
    }
    fs.fsyncSync(fd);
  } catch (error) {
    throw new Error(`${url}: download interrupted after ${received} bytes (${(error as Error).message})`);
  } finally {
    fs.closeSync(fd);
  }
  if (Number.isFinite(declared) && received !== declared) throw new Error(`${url}: truncated (${received} of ${declared} bytes)`);
  const actual = hash.digest('hex');
  if (actual !== sha256) throw new Error(`${url}: sha256 ${actual} does not match the pinned ${sha256}; the file was rejected`);
  return received;
}

/** Replaces `dest` with `staging` by renames: at every instant either the old or the new complete folder is at `dest`. */
function swapInto(staging: string, dest: string): void {
  const old = `${dest}.old-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const hadOld = fs.existsSync(dest);
  if (hadOld) fs.renameSync(dest, old);
  try {
    fs.renameSync(staging, dest);
  } catch (error) {
    if (hadOld) fs.renameSync(old, dest);
    throw error;
  }
  if (hadOld) fs.rmSync(old, { recursive: true, force: true });
}
