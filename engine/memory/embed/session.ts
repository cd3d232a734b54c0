import fs from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { meanPoolNormalize } from './pool';
import { loadTokenizer, type Tokenizer } from './tokenizer';

export interface SessionOptions {
  readonly modelDir: string;
  /** intra-op threads of the ONNX runtime. */
  readonly threads: number;
  readonly maxTokens: number;
  /** Texts per inference call; batches are formed from length-sorted texts so padding stays small. */
  readonly batchSize: number;
}

export interface EmbedOutput {
  /** `texts.length * dim` floats, in the order of the input texts. */
  readonly vectors: Float32Array;
  readonly dim: number;
  readonly truncated: number;
}

const WEIGHTS = ['onnx/model_quantized.onnx', 'onnx/model.onnx'];

/** A loaded model: tokenizer + ONNX session. Lives inside the embedding worker. */
export class EmbeddingSession {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
    private readonly options: SessionOptions,
    readonly dim: number,
  ) {}

  static async open(options: SessionOptions): Promise<EmbeddingSession> {
    process.env.ORT_DISABLE_TELEMETRY = '1';
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof Ort;
    const weights = WEIGHTS.map((w) => path.join(options.modelDir, w)).find((w) => fs.existsSync(w));
    if (!weights) throw new Error(`${options.modelDir} holds no ONNX weights (${WEIGHTS.join(' or ')})`);
    const session = await ort.InferenceSession.create(weights, {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Spinning pool threads burn a core while waiting; on a laptop shared with an editor (and on 2 cores) it
      // costs more than it saves. Opt back in with RUNBOOK_AGENT_ORT_SPIN=1.
      extra: { session: { intra_op: { allow_spinning: process.env.RUNBOOK_AGENT_ORT_SPIN === '1' ? '1' : '0' } } },
    });
    const tokenizer = await loadTokenizer(options.modelDir, options.maxTokens);
    const probe = new EmbeddingSession(ort, session, tokenizer, options, 0);
    const dim = (await probe.run([[101, 102]])).dim;
    return new EmbeddingSession(ort, session, tokenizer, options, dim);
  }

  async embed(texts: readonly string[]): Promise<EmbedOutput> {
    let truncated = 0;
    const encoded = texts.map((t) => {
      const e = this.tokenizer.encode(t);
      if (e.truncated) truncated++;
      return e.ids;
    });
    // Length-sorted batches: rows of similar length pad little, which is most of the win of batching.
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
    let vectors: Float32Array | null = null;
    let dim = this.dim;
    for (let s = 0; s < order.length; s += this.options.batchSize) {
      const rows = order.slice(s, s + this.options.batchSize);
      const out = await this.run(rows.map((i) => encoded[i]!));
      dim = out.dim;
      vectors ??= new Float32Array(texts.length * dim);
      rows.forEach((row, j) => vectors!.set(out.vectors.subarray(j * dim, (j + 1) * dim), row * dim));
    }
    return { vectors: vectors ?? new Float32Array(0), dim, truncated };
  }

  private async run(rows: ReadonlyArray<readonly number[]>): Promise<{ vectors: Float32Array; dim: number }> {
    const batch = rows.length;
    const seq = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(batch * seq);
    const mask = new BigInt64Array(batch * seq);
    rows.forEach((r, b) => {
      for (let t = 0; t < r.length; t++) {
        ids[b * seq + t] = BigInt(r[t]!);
        mask[b * seq + t] = 1n;
      }
    });
    const feeds: Record<string, Ort.Tensor> = {
      input_ids: new this.ort.Tensor('int64', ids, [batch, seq]),
      attention_mask: new this.ort.Tensor('int64', mask, [batch, seq]),
    };
    if (this.session.inputNames.includes('token_type_ids')) {
      feeds.token_type_ids = new this.ort.Tensor('int64', new BigInt64Array(batch * seq), [batch, seq]);
    }
    const outputs = await this.session.run(feeds);
    const name = this.session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : this.session.outputNames[0]!;
    const hidden = outputs[name]!;
    const dim = Number(hidden.dims[hidden.dims.length - 1]);
    const vectors = meanPoolNormalize(hidden.data as Float32Array, batch, seq, dim, rows.map((r) => r.length));
    for (const t of Object.values(outputs)) t.dispose?.();
    return { vectors, dim };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
