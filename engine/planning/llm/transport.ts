/** One chat round trip to a model, whatever serves it (an OpenAI-compatible server, or vscode.lm in the editor). */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  /** JSON schema the answer must follow; servers that support structured output enforce it. */
  readonly schema: object;
  readonly schemaName: string;
}

export interface ChatResult {
  readonly content: string;
  /** The model that answered, as the server names it (recorded in the plan trace). */
  readonly model: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** Implementations throw ClassifiedError so the orchestrator can retry, re-plan or escalate by class. */
export interface ChatTransport {
  chat(req: ChatRequest, signal: AbortSignal): Promise<ChatResult>;
}

/** Error text from another party goes into events and logs: keep it to one bounded line. */
export function truncate(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
