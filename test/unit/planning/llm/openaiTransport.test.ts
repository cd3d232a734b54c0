import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAiTransport } from '../../../../engine/planning/llm/openai';
import { retryAfterMs } from '../../../../engine/execution/net/retryAfter';
import { ClassifiedError } from '../../../../engine/control/workflow/failures';
import { ScriptedLlm, USAGE, serverError, tooManyRequests, type Behaviour } from '../../../support/scriptedLlm';
import { classifiedRejection } from '../../../helpers/classified';

const REQ = { messages: [{ role: 'user' as const, content: 'plan please' }], schema: { type: 'object' }, schemaName: 'runbook_plan' };
const KEY = 'sk-test-secret-key-123';
let server: ScriptedLlm | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function chatWith(b: Behaviour, now?: () => number) {
  server = await ScriptedLlm.start([b]);
  const t = new OpenAiTransport({ baseUrl: `${server.baseUrl}/`, model: 'scripted-7b', apiKey: KEY, now });
  return t.chat(REQ, new AbortController().signal);
}

const failureOf = (b: Behaviour, now?: () => number) => classifiedRejection(chatWith(b, now));

describe('OpenAI-compatible transport', () => {
  it('posts a json_schema chat at temperature 0 with the bearer key, and reads content, model and usage', async () => {
    const result = await chatWith({ kind: 'content', content: '{"ok":true}' });
    expect(result).toEqual({ content: '{"ok":true}', model: 'scripted-7b', inputTokens: USAGE.prompt_tokens, outputTokens: USAGE.completion_tokens });
    const [received] = server!.received;
    expect(received!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(received!.body).toMatchObject({
      model: 'scripted-7b',
      temperature: 0,
      messages: REQ.messages,
      response_format: { type: 'json_schema', json_schema: { name: 'runbook_plan', schema: { type: 'object' }, strict: false } },
    });
  });

  it('classifies 429 as transient and carries Retry-After in seconds', async () => {
    const e = await failureOf(tooManyRequests('7'));
    expect(e.failureClass).toBe('transient');
    expect(e.retryAfterMs).toBe(7000);
    expect(e.message).toContain('HTTP 429: rate limit reached');
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const e = await failureOf({ kind: 'status', status: 503, message: 'overloaded', headers: { 'retry-after': 'Thu, 01 Jan 2026 12:00:30 GMT' } }, () => now);
    expect(e.failureClass).toBe('transient');
    expect(e.retryAfterMs).toBe(30_000);
  });

  it('classifies 5xx as transient without a Retry-After', async () => {
    const e = await failureOf(serverError());
    expect(e.failureClass).toBe('transient');
    expect(e.retryAfterMs).toBeUndefined();
    expect(e.message).toContain('model runner crashed');
  });

  it("classifies other 4xx as permanent with the server's message, truncated and without the key", async () => {
    const e = await failureOf({ kind: 'status', status: 401, message: `Incorrect API key provided: ${KEY}. ${'x'.repeat(1000)}` });
    expect(e.failureClass).toBe('permanent');
    expect(e.message).toContain('HTTP 401: Incorrect API key provided: ***');
    expect(e.message).not.toContain(KEY);
    expect(e.message.length).toBeLessThan(450);
  });

  it('classifies a body that is not a chat completion as validation', async () => {
    expect((await failureOf({ kind: 'raw', body: '<html>proxy login</html>' })).failureClass).toBe('validation');
    expect((await failureOf({ kind: 'raw', body: '{"choices":[]}' })).message).toContain('without choices[0].message.content');
  });

  it('classifies a dropped connection and a refused one as transient', async () => {
    expect((await failureOf({ kind: 'reset' })).failureClass).toBe('transient');
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const t = new OpenAiTransport({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
    const e = await classifiedRejection(t.chat(REQ, new AbortController().signal));
    expect([e.failureClass, e.message]).toEqual(['transient', expect.stringContaining('ECONNREFUSED')]);
  });

  it('stops waiting when the signal aborts', async () => {
    server = await ScriptedLlm.start([{ kind: 'slow', delayMs: 60_000, then: serverError() }]);
    const t = new OpenAiTransport({ baseUrl: server.baseUrl, model: 'm' });
    const ac = new AbortController();
    const pending = classifiedRejection(t.chat(REQ, ac.signal));
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect((await pending).failureClass).toBe('model_timeout');
  });

  it('parses Retry-After forms and ignores garbage', () => {
    expect(retryAfterMs('0', 0)).toBe(0);
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', Date.UTC(2026, 0, 1))).toBe(0);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
