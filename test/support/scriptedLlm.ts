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
  | { readonly kind: 'reset' }
  /** A model that reads the request (multi-turn): the answer is chosen from what it was sent. */
  | { readonly kind: 'reply'; readonly reply: (request: Received, server: ScriptedLlm) => Behaviour };

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
  /** Per structured-output schema name (runbook_plan, runbook_decision, incident_summary): consulted first. */
  private readonly queues = new Map<string, Behaviour[]>();
  /** What a schema's requests get once its queue is empty (e.g. a model that keeps asking). */
  private readonly fallbacks = new Map<string, Behaviour>();
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

  /**
   * Answers for the requests whose response_format names this schema, in order, before the shared queue: a
   * multi-turn conversation (a plan, then a decision after each phase, then a summary) is scripted per call kind.
   */
  scriptFor(schemaName: string, ...behaviours: Behaviour[]): this {
    const q = this.queues.get(schemaName) ?? [];
    q.push(...behaviours);
    this.queues.set(schemaName, q);
    return this;
  }

  /** Every request for this schema gets `behaviour` once its queue is empty. */
  always(schemaName: string, behaviour: Behaviour): this {
    this.fallbacks.set(schemaName, behaviour);
    return this;
  }

  /** The requests that asked for this schema. */
  requestsFor(schemaName: string): Received[] {
    return this.received.filter((r) => schemaOf(r) === schemaName);
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
      const received = { headers: req.headers, body };
      this.received.push(received);
      const schema = schemaOf(received);
      const next = (schema !== undefined ? (this.queues.get(schema)?.shift() ?? this.fallbacks.get(schema)) : undefined) ??
        this.queue.shift() ?? { kind: 'status', status: 500, message: 'scripted server: no behaviour left in the script' };
      this.answer(next, received, res);
    });
  }

  private answer(b: Behaviour, received: Received, res: http.ServerResponse): void {
    const model = received.body.model;
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
        const timer = setTimeout(() => this.answer(b.then, received, res), b.delayMs);
        // The client gave up (the planner's timeout aborted the fetch): nothing to answer.
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'reply':
        return this.answer(b.reply(received, this), received, res);
    }
  }
}

function schemaOf(r: Received): string | undefined {
  return r.body.response_format?.json_schema?.name;
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

// ---- multi-turn: decisions after each phase, and the incident summary ----

export const PLAN = 'runbook_plan';
export const DECISION = 'runbook_decision';
export const SUMMARY = 'incident_summary';

export interface ScriptedAdd {
  id: string;
  tool: string;
  input: Record<string, unknown>;
  rationale: string;
  runbookStep: string | null;
}

export interface ScriptedDecision {
  skip?: Array<{ stepId: string; reason: string; evidence: string[] }>;
  add?: ScriptedAdd[];
  escalate?: string | null;
  notes?: string[];
}

export const decision = (d: ScriptedDecision = {}): Behaviour => ({
  kind: 'plan',
  plan: { skip: d.skip ?? [], add: d.add ?? [], escalate: d.escalate ?? null, notes: d.notes ?? [] },
});

export function added(id: string, command: string, extra: Partial<ScriptedAdd> = {}): ScriptedAdd {
  return { id, tool: 'shell', input: { command }, rationale: `${id} shows what the first checks could not`, runbookStep: null, ...extra };
}

/** The citation ids (tc:…) the decision prompt lists under Observations, in order. */
export function observationIds(r: Received): string[] {
  const user = r.body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  return [...user.matchAll(/^### (tc:[0-9a-f]{12}): step "([^"]*)"/gm)].map((m) => m[1]!);
}

/** The citation id of the observation of one step, as the prompt shows it. */
export function observationOf(r: Received, stepId: string): string {
  const user = r.body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const m = new RegExp(`^### (tc:[0-9a-f]{12}): step ${JSON.stringify(stepId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm').exec(user);
  if (!m) throw new Error(`the prompt shows no observation of step ${stepId}`);
  return m[1]!;
}

/** A model that asks for one more diagnostic every time it is asked, each with a new id. */
export const askForMoreEveryRound = (): Behaviour => {
  let n = 0;
  return { kind: 'reply', reply: () => decision({ add: [added(`more-${++n}`, `ls -la /var/lib/data/part-${n}`)], notes: ['still not sure'] }) };
};

/** A model that skips a step citing the observation of another, read from the prompt it was sent. */
export const skipCiting = (stepId: string, evidenceOf: string, reason = 'the diagnostics show it is not needed'): Behaviour => ({
  kind: 'reply',
  reply: (r) => decision({ skip: [{ stepId, reason, evidence: [observationOf(r, evidenceOf)] }] }),
});

export const summaryOf = (claims: Array<{ text: string; cites: string[] }>): Behaviour => ({ kind: 'plan', plan: { claims } });

// The multi-turn cases of issue #12, by name.

/** Asks for one more read-only diagnostic, then (next turn) has nothing to change. */
export const asksForMoreDiagnostics = (command = 'du -sh /var/lib/data', id = 'du-data'): Behaviour[] => [
  decision({ add: [added(id, command)], notes: ['The volume is 97% full; what fills it is not known yet.'] }),
  decision(),
];
/** Proposes a write that no runbook step names. */
export const inventsAWrite = (command = 'rm -rf /var/lib/data/old', id = 'clean-old'): Behaviour => decision({ add: [added(id, command)] });
/** A summary whose claims cite nothing that exists. */
export const uncitedSummary = (): Behaviour =>
  summaryOf([
    { text: 'The disk filled up because of application logs.', cites: [] },
    { text: 'Logs were rotated and the alert resolved.', cites: ['tc:ffffffffffff'] },
  ]);
/** Asks for another diagnostic every round, for ever (use with always(DECISION, …)): MAX_ROUNDS must stop it. */
export const loopsForever = askForMoreEveryRound;
