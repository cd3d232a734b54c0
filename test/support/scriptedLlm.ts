import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the fake OpenAI-compatible server. */
export type Behaviour =
  /** 200 with this object as the message content (JSON text), and token usage. */
  | { readonly kind: 'plan'; readonly plan: unknown; readonly model?: string }
  /** 200 with this exact message content (malformed JSON, a <think> block, a code fence). */
  | { readonly kind: 'content'; readonly content: string }
  /** An HTTP error with an OpenAI-style error body. */
  | { readonly kind: 'status'; readonly status: number; readonly message: string; readonly headers?: Readonly<Record<string, string>> }
  /** 200 with a body that is not a chat completion. */
  | { readonly kind: 'raw'; readonly body: string }
  /** Answers `then` after `delayMs`, unless the client gives up first. */
  | { readonly kind: 'slow'; readonly delayMs: number; readonly then: Behaviour }
  /** Drops the connection without an answer. */
  | { readonly kind: 'reset' };

export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: {
    model: string;
    temperature?: number;
    messages: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict: boolean } };
  };
}

export const USAGE = { prompt_tokens: 1200, completion_tokens: 340 };

/**
 * A real HTTP server on 127.0.0.1:<free port> answering POST /v1/chat/completions from a queue of behaviours,
 * so the transport's HTTP handling (status codes, headers, aborts) is exercised, not mocked.
 */
export class ScriptedLlm {
  readonly received: Received[] = [];
  private readonly queue: Behaviour[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private port = 0;

  static async start(behaviours: Behaviour[] = []): Promise<ScriptedLlm> {
    const s = new ScriptedLlm();
    s.queue.push(...behaviours);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  script(...behaviours: Behaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** The user message of the i-th request (negative counts from the end). */
  userPrompt(i: number): string {
    return this.message(i, 'user');
  }

  systemPrompt(i: number): string {
    return this.message(i, 'system');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private message(i: number, role: string): string {
    const r = this.received.at(i);
    if (!r) throw new Error(`the server received ${this.received.length} request(s); there is no request ${i}`);
    return r.body.messages.filter((m) => m.role === role).map((m) => m.content).join('\n');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'];
      this.received.push({ headers: req.headers, body });
      const next = this.queue.shift() ?? { kind: 'status', status: 500, message: 'scripted server: no behaviour left in the script' };
      this.answer(next, body.model, res);
    });
  }

  private answer(b: Behaviour, model: string, res: http.ServerResponse): void {
    switch (b.kind) {
      case 'plan':
        return send(res, 200, completion(b.model ?? model, JSON.stringify(b.plan)));
      case 'content':
        return send(res, 200, completion(model, b.content));
      case 'status':
        return send(res, b.status, { error: { message: b.message, type: 'scripted' } }, b.headers);
      case 'raw':
        res.writeHead(200, { 'content-type': 'application/json' }).end(b.body);
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      case 'slow': {
        const timer = setTimeout(() => this.answer(b.then, model, res), b.delayMs);
        // The client gave up (the planner's timeout aborted the fetch): nothing to answer.
        res.on('close', () => clearTimeout(timer));
        return;
      }
    }
  }
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    usage: { ...USAGE, total_tokens: USAGE.prompt_tokens + USAGE.completion_tokens },
  };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

// ---- the behaviours the planner tests need ----

export interface ScriptedStep {
  id: string;
  tool: string;
  input: Record<string, unknown>;
  risk: 'read' | 'write';
  phase: 'diagnose' | 'mitigate' | 'verify';
  rationale: string;
  sourceId: string | null;
}

export function step(id: string, tool: string, input: Record<string, unknown>, extra: Partial<ScriptedStep> = {}): ScriptedStep {
  return { id, tool, input, risk: 'read', phase: 'diagnose', rationale: `${id} because the runbook says so`, sourceId: 'S1', ...extra };
}

export const goodPlan = (steps: ScriptedStep[] = [step('check-disk', 'shell', { command: 'df -h /var/lib/data' })]): Behaviour => ({
  kind: 'plan',
  plan: { summary: 'The data volume is filling up; check it first.', steps },
});
export const malformedJson = (): Behaviour => ({ kind: 'content', content: '{"summary": "cut off", "steps": [{"id": "check' });
export const unknownTool = (): Behaviour => goodPlan([step('wipe', 'format_disk', { device: '/dev/sda' })]);
export const destructiveAsRead = (): Behaviour => goodPlan([step('clean', 'shell', { command: 'rm -rf /var/lib/data' }, { risk: 'read', phase: 'mitigate' })]);
export const slow = (delayMs: number, then: Behaviour = goodPlan()): Behaviour => ({ kind: 'slow', delayMs, then });
export const serverError = (): Behaviour => ({ kind: 'status', status: 500, message: 'model runner crashed' });
export const tooManyRequests = (retryAfter: string): Behaviour => ({ kind: 'status', status: 429, message: 'rate limit reached', headers: { 'retry-after': retryAfter } });
