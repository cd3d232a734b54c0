import path from 'node:path';
// Only the tokenizer modules: the package's top level would load its own onnxruntime and image libraries.
import { env } from '@xenova/transformers/src/env.js';
import { AutoTokenizer } from '@xenova/transformers/src/tokenizers.js';

export interface Encoded {
  readonly ids: readonly number[];
  /** True when the text reached the limit and was cut there. */
  readonly truncated: boolean;
}

export interface Tokenizer {
  encode(text: string): Encoded;
}

/** Loads the tokenizer of a transformers.js model folder from disk; any attempt to reach the network is disabled. */
export async function loadTokenizer(modelDir: string, maxTokens: number): Promise<Tokenizer> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false;
  env.useFSCache = false;
  const dir = path.resolve(modelDir);
  env.localModelPath = path.dirname(dir) + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(path.basename(dir), { local_files_only: true });
  return {
    encode(text) {
      // No padding here (transformers.js pads to max_length when asked); batches are padded to their longest row.
      const out = tokenizer(text, { truncation: true, max_length: maxTokens, return_tensor: false }) as { input_ids: number[] };
      return { ids: out.input_ids, truncated: out.input_ids.length >= maxTokens };
    },
  };
}
