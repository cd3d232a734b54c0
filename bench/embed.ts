// `npm run bench -- embed [--quick]`: chunks/s of the engine's embedder (onnxruntime-node 1.30 in a worker,
// length-sorted batches, masked mean pooling) against the @xenova/transformers feature-extraction pipeline on
// the same chunks and model, each in its own process (two onnxruntime versions never share one). Both models:
// static-ops-embed-256 (the default) and minilm-l6-shape-random (real MiniLM-L6 shape; speed only).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Embedder } from '../engine/memory/embed/embedder';
import { corpusChunks, log, machine, median, MINILM_SHAPE, quick, requireShared, SCALE, spread, STATIC_MODEL, writeResult } from './lib/retrieval';

const THREADS = 2;
const args = process.argv.slice(2);

async function engineRun(modelDir: string, texts: string[], batchSize: number) {
  const embedder = await Embedder.open({ modelDir, threads: THREADS, batchSize });
  try {
    await embedder.embed(texts.slice(0, 20)); // warm-up
    const t0 = performance.now();
    const vectors = await embedder.embed(texts);
    const s = (performance.now() - t0) / 1000;
    return { chunksPerSec: texts.length / s, seconds: s, vectors, truncated: embedder.truncated };
  } finally {
    await embedder.close();
  }
}

/** Child-process mode: the transformers.js pipeline, one text per call (its usual use), vectors to a file. */
async function baselineChild(modelDir: string, textsFile: string, outFile: string) {
  const { pipeline, env } = await import('@xenova/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = path.dirname(path.resolve(modelDir)) + path.sep;
  const extractor = await pipeline('feature-extraction', path.basename(modelDir), { quantized: true });
  const texts = JSON.parse(fs.readFileSync(textsFile, 'utf8')) as string[];
  for (const t of texts.slice(0, 20)) await extractor(t, { pooling: 'mean', normalize: true });
  const out = new Float32Array(texts.length * 4096);
  let dim = 0;
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i++) {
    const r = await extractor(texts[i]!, { pooling: 'mean', normalize: true });
    dim = r.data.length;
    out.set(r.data as Float32Array, i * dim);
  }
  const s = (performance.now() - t0) / 1000;
  fs.writeFileSync(outFile, Buffer.from(out.buffer, 0, texts.length * dim * 4));
  process.stdout.write(JSON.stringify({ chunksPerSec: texts.length / s, seconds: s, dim }) + '\n');
}

function baselineRun(modelDir: string, texts: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rba-embed-'));
  try {
    const textsFile = path.join(dir, 'texts.json');
    const outFile = path.join(dir, 'vectors.bin');
    fs.writeFileSync(textsFile, JSON.stringify(texts));
    const stdout = execFileSync(process.execPath, [__filename, '--baseline-child', modelDir, textsFile, outFile], {
      encoding: 'utf8',
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
    });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { chunksPerSec: number; seconds: number; dim: number };
    const buf = fs.readFileSync(outFile);
    return { ...r, vectors: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (args[0] === '--baseline-child') return baselineChild(args[1]!, args[2]!, args[3]!);
  requireShared('embed', SCALE, MINILM_SHAPE);
  const n = quick ? 300 : 2000;
  const texts = spread(corpusChunks(path.join(SCALE, 'cockroachdb-docs'), quick ? 400 : 3000), n);
  log(`embed: ${texts.length} chunks from the scale corpus, ${THREADS} threads${quick ? ' (quick)' : ''}`);
  // Engine and pipeline runs alternate, round after round, and medians are reported: on a shared machine the
  // load changes from minute to minute, and alternation spreads it evenly over both sides.
  const rounds = quick ? 2 : 3;
  const models = [];
  for (const [name, dir, sizes] of [
    ['static-ops-embed-256', STATIC_MODEL, [1, 8]],
    ['minilm-l6-shape-random', MINILM_SHAPE, [1, 8]],
  ] as const) {
    const list = name.startsWith('minilm') && quick ? texts.slice(0, 100) : texts;
    const pipelineRates: number[] = [];
    const engineRates = new Map<number, number[]>(sizes.map((b) => [b, []]));
    const agreement = new Map<number, { mean: number; min: number; truncated: number }>();
    for (let round = 0; round < rounds; round++) {
      const base = baselineRun(dir, list);
      pipelineRates.push(base.chunksPerSec);
      for (const batchSize of sizes) {
        const r = await engineRun(dir, list, batchSize);
        engineRates.get(batchSize)!.push(r.chunksPerSec);
        // Agreement with the pipeline: the same model must give the same vectors (up to truncation differences).
        let min = 1;
        let sum = 0;
        r.vectors.forEach((v, i) => {
          let c = 0;
          for (let d = 0; d < v.length; d++) c += v[d]! * base.vectors[i * base.dim + d]!;
          min = Math.min(min, c);
          sum += c;
        });
        agreement.set(batchSize, { mean: sum / list.length, min, truncated: r.truncated });
      }
      log(`  ${name} round ${round + 1}: pipeline ${base.chunksPerSec.toFixed(1)}; engine ${sizes.map((b) => `batch ${b} ${engineRates.get(b)!.at(-1)!.toFixed(1)}`).join(', ')} chunks/s`);
    }
    const pipe = median(pipelineRates);
    const runs = sizes.map((batchSize) => {
      const rate = median(engineRates.get(batchSize)!);
      const a = agreement.get(batchSize)!;
      return {
        batchSize,
        chunksPerSec: +rate.toFixed(1),
        ratio: +(rate / pipe).toFixed(2),
        allRuns: engineRates.get(batchSize)!.map((x) => +x.toFixed(1)),
        truncatedAt256: a.truncated,
        meanCosineVsPipeline: +a.mean.toFixed(5),
        minCosineVsPipeline: +a.min.toFixed(5),
      };
    });
    for (const r of runs) log(`  ${name} engine batch ${r.batchSize}: median ${r.chunksPerSec} chunks/s vs pipeline ${pipe.toFixed(1)} (x${r.ratio})`);
    models.push({ model: name, chunks: list.length, pipelineChunksPerSec: +pipe.toFixed(1), pipelineAllRuns: pipelineRates.map((x) => +x.toFixed(1)), engine: runs });
  }
  writeResult('embed', { benchmark: 'embed', quick, threads: THREADS, machine: machine(), at: new Date().toISOString(), target: 'engine/pipeline >= 1.3x', models });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
