// The two deep modules the tokenizer needs (the package ships types only for its top level).
declare module '@xenova/transformers/src/env.js' {
  export const env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    localModelPath: string;
    useBrowserCache: boolean;
    useFSCache: boolean;
  };
}
declare module '@xenova/transformers/src/tokenizers.js' {
  type TokenizerCall = (text: string | string[], options: Record<string, unknown>) => unknown;
  export const AutoTokenizer: {
    from_pretrained(name: string, options: { local_files_only: boolean }): Promise<TokenizerCall>;
  };
}
