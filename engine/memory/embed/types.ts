/** What the indexer and search need from an embedding model (the worker-backed Embedder implements it). */
export interface TextEmbedder {
  readonly modelId: string;
  readonly dim: number;
  readonly maxTokens: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
