// Shared pieces of the retrieval benchmarks (embed, incremental, scale, quality) and the real-embeddings hook.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Embedder } from '../../engine/memory/embed/embedder';
import { chunkMarkdown } from '../../engine/memory/retrieval/chunk/chunker';

export const SHARED = path.resolve(process.env.RUNBOOK_AGENT_SHARED ?? path.join('..', 'shared'));
export const MODELS = path.join(SHARED, 'models');
export const STATIC_MODEL = path.join(MODELS, 'static-ops-embed-256');
export const MINILM_SHAPE = path.join(MODELS, 'minilm-l6-shape-random');
export const SCALE = path.join(SHARED, 'corpus', 'scale');
export const RUNBOOKS = path.join(SHARED, 'corpus', 'runbooks');
export const quick = process.argv.includes('--quick');
export const log = (s: string) => process.stdout.write(`${s}\n`);

/** Exits 0 with a clear message when ../shared (model and corpus) is not beside the repository. */
export function requireShared(name: string, ...paths: string[]): void {
  const missing = [STATIC_MODEL, ...paths].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    log(`bench ${name}: skipped: ${missing.join(', ')} not found (the model and corpus live in ../shared beside the repository)`);
    process.exit(0);
  }
}

export function writeResult(name: string, result: unknown): void {
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  const file = path.join('bench', 'results', `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
}

export function machine() {
  return { node: process.versions.node, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', loadavg: os.loadavg().map((l) => +l.toFixed(2)) };
}

export function markdownFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => /\.(md|markdown)$/i.test(f))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

/** Chunk texts (what the embedder sees) of a corpus, in a fixed order. */
export function corpusChunks(root: string, maxFiles = Infinity): string[] {
  const out: string[] = [];
  for (const rel of markdownFiles(root).slice(0, maxFiles)) {
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    for (const c of chunkMarkdown(rel, text).chunks) out.push(c.embedText);
  }
  return out;
}

/** `n` items spread evenly over `all` (deterministic). */
export function spread<T>(all: readonly T[], n: number): T[] {
  if (all.length <= n) return [...all];
  return Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]!);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Real-embeddings hook for the ANN benchmark: unit vectors of scale-corpus chunks, `limit` of them (spread
 * over the whole corpus), embedded by the engine's own embedder. Returns them row-major.
 */
export async function scaleCorpusEmbeddings(options: { limit: number; modelDir?: string; threads?: number }): Promise<{ vectors: Float32Array; dim: number; count: number }> {
  const texts = spread(corpusChunks(path.join(SCALE, 'cockroachdb-docs')), options.limit);
  const embedder = await Embedder.open({ modelDir: options.modelDir ?? STATIC_MODEL, threads: options.threads ?? 2 });
  try {
    const vectors = new Float32Array(texts.length * embedder.dim);
    for (let i = 0; i < texts.length; i += 512) {
      const rows = await embedder.embed(texts.slice(i, i + 512));
      rows.forEach((v, j) => vectors.set(v, (i + j) * embedder.dim));
    }
    return { vectors, dim: embedder.dim, count: texts.length };
  } finally {
    await embedder.close();
  }
}
