import { ClassifiedError } from '../../control/workflow/failures';
import { retryAfterMs } from '../../execution/net/retryAfter';
import { truncate, type ChatRequest, type ChatResult, type ChatTransport } from './transport';

export interface OpenAiOptions {
  /** Up to and including the API version, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://api.openai.com/v1. */
  readonly baseUrl: string;
  readonly model: string;
  /** From VS Code secret storage; sent as a bearer token, never logged or put in an error message. */
  readonly apiKey?: string;
  readonly now?: () => number;
}

/** Connection failures that say nothing about the request itself: worth retrying. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Chat completions on any OpenAI-compatible server: Ollama, LM Studio, vLLM, OpenAI. */
export class OpenAiTransport implements ChatTransport {
  private readonly url: string;
  constructor(private readonly options: OpenAiOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  async chat(req: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    const body = JSON.stringify({
      model: this.options.model,
      messages: req.messages,
      temperature: 0,
      // strict: false because strict mode rejects open objects, and each tool's input schema is open here.
      response_format: { type: 'json_schema', json_schema: { name: req.schemaName, schema: req.schema, strict: false } },
    });
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url, { method: 'POST', headers, body, signal });
      text = await res.text();
    } catch (error) {
      throw this.networkError(error, signal);
    }
    if (!res.ok) throw this.httpError(res, text);
    return this.result(text);
  }

  private networkError(error: unknown, signal: AbortSignal): ClassifiedError {
    // The orchestrator aborts on its plan timeout (and has already recorded model_timeout); say the same.
    if (signal.aborted) return new ClassifiedError('model_timeout', `model request to ${this.where()} was aborted`);
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const detail = this.redact(truncate(String(cause?.message ?? (error as Error).message ?? error)));
    if (code && NETWORK_CODES.has(code)) return new ClassifiedError('transient', `cannot reach ${this.where()}: ${code}: ${detail}`);
    return new ClassifiedError('permanent', `request to ${this.where()} failed: ${detail}`);
  }

  private httpError(res: Response, text: string): ClassifiedError {
    const message = `${this.where()} answered HTTP ${res.status}: ${this.redact(truncate(serverMessage(text)))}`;
    if (res.status === 429 || res.status >= 500) {
      return new ClassifiedError('transient', message, retryAfterMs(res.headers.get('retry-after'), (this.options.now ?? Date.now)()));
    }
    return new ClassifiedError('permanent', message);
  }

  private result(text: string): ChatResult {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ClassifiedError('validation', `${this.where()} answered with a body that is not JSON: ${truncate(text, 200)}`);
    }
    const b = body as { model?: unknown; choices?: Array<{ message?: { content?: unknown; refusal?: unknown } }>; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
    const message = Array.isArray(b?.choices) ? b.choices[0]?.message : undefined;
    if (typeof message?.content !== 'string') {
      const refusal = typeof message?.refusal === 'string' ? `: the model refused: ${truncate(message.refusal)}` : '';
      throw new ClassifiedError('validation', `${this.where()} answered without choices[0].message.content${refusal}`);
    }
    return {
      content: message.content,
      model: typeof b.model === 'string' && b.model !== '' ? b.model : this.options.model,
      inputTokens: count(b.usage?.prompt_tokens),
      outputTokens: count(b.usage?.completion_tokens),
    };
  }

  private where(): string {
    return `model ${this.options.model} at ${new URL(this.url).host}`;
  }

  /** Some servers echo (part of) a rejected key in their error message. */
  private redact(text: string): string {
    const key = this.options.apiKey;
    return key && key.length >= 4 ? text.split(key).join('***') : text;
  }
}

/** OpenAI and most compatible servers send {error: {message}}; some send {error: "..."} or plain text. */
function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = body.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
    if (typeof body.message === 'string') return body.message;
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not JSON: the text itself is the message
  }
  return text || '(empty body)';
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
