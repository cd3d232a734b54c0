/** Messages between the engine and its worker threads (see client.ts and server.ts). */
export interface ToThread {
  readonly type: 'request';
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

export type FromThread =
  | { readonly type: 'ready'; readonly value: unknown }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly message: string }
  | { readonly type: 'event'; readonly value: unknown };
