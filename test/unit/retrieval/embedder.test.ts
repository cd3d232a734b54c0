import { afterEach, describe, expect, it } from 'vitest';
import { Embedder } from '../../../engine/memory/embed/embedder';
import { hasShared, MODEL_DIR } from './shared';

const opened: Embedder[] = [];
afterEach(async () => {
  for (const e of opened.splice(0)) await e.close();
});

async function open(batchSize: number) {
  const e = await Embedder.open({ modelDir: MODEL_DIR, threads: 1, batchSize });
  opened.push(e);
  return e;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe.skipIf(!hasShared)('Embedder (worker thread, onnxruntime-node, real model)', () => {
  it('returns unit vectors whose similarities rank related texts first', async () => {
    const e = await open(1);
    expect(e.dim).toBe(256);
    expect(e.modelId).toMatch(/^static-ops-embed-256@[0-9a-f]{16}$/);
    const [q, a, b, c] = await e.embed(['disk full', 'no space left on device', 'filesystem space is running out', 'memory usage is too high']);
    for (const v of [q, a, b, c]) expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    expect(dot(q!, a!)).toBeGreaterThan(dot(q!, c!));
    expect(dot(q!, b!)).toBeGreaterThan(dot(q!, c!));
  });

  it('gives the same vectors whatever the batch size and order (padding is masked out)', async () => {
    const texts = ['short', 'a much longer text about etcd leader elections failing repeatedly under heavy disk latency', 'medium length text here'];
    const one = await (await open(1)).embed(texts);
    const batched = await (await open(8)).embed([...texts].reverse());
    batched.reverse().forEach((v, i) => v.forEach((x, d) => expect(x).toBeCloseTo(one[i]![d]!, 5)));
  });

  it('keeps the calling thread free while it embeds, and truncates long texts at the token limit', async () => {
    const e = await open(1);
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const vectors = await e.embed(Array.from({ length: 300 }, (_, i) => `${long} ${i}`));
    clearInterval(timer);
    expect(vectors).toHaveLength(300);
    expect(ticks).toBeGreaterThan(0); // the event loop ran while the worker was busy
    expect(e.truncated).toBe(300);
  });
});
