import { describe, expect, it } from 'vitest';
import { VscodeLmTransport } from '../../../../engine/planning/llm/vscodeLm';
import { LmChatParams, lmChat, lmFailureMessage } from '../../../../protocol/lm';
import { ClassifiedError } from '../../../../engine/control/workflow/failures';
import { classifiedRejection } from '../../../helpers/classified';

const REQ = {
  messages: [
    { role: 'system' as const, content: 'rules' },
    { role: 'user' as const, content: 'plan' },
  ],
  schema: { type: 'object', properties: { summary: { type: 'string' } } },
  schemaName: 'runbook_plan',
};

async function failure(send: () => Promise<unknown>, signal = new AbortController().signal): Promise<ClassifiedError> {
  return classifiedRejection(new VscodeLmTransport({ send }).chat(REQ, signal));
}

describe('vscode.lm transport (engine side)', () => {
  it('sends valid runbookAgent/lmChat params with the schema and selector, and returns the result', async () => {
    const sent: unknown[] = [];
    const t = new VscodeLmTransport({
      vendor: 'copilot',
      family: 'gpt-4o',
      send: async (params) => {
        sent.push(params);
        return { content: '{"summary":"x"}', model: 'copilot/gpt-4o', inputTokens: 10, outputTokens: 3 };
      },
    });
    expect(await t.chat(REQ, new AbortController().signal)).toEqual({ content: '{"summary":"x"}', model: 'copilot/gpt-4o', inputTokens: 10, outputTokens: 3 });
    expect(lmChat.method).toBe('runbookAgent/lmChat');
    expect(LmChatParams.parse(sent[0])).toEqual({ messages: REQ.messages, schema: REQ.schema, vendor: 'copilot', family: 'gpt-4o' });
  });

  it('classifies the extension host\'s coded failures: permission and missing model are permanent, quota is transient', async () => {
    const coded = (code: Parameters<typeof lmFailureMessage>[0]) => failure(async () => Promise.reject(new Error(lmFailureMessage(code, 'details'))));
    expect((await coded('no_permissions')).failureClass).toBe('permanent');
    expect((await coded('no_model')).failureClass).toBe('permanent');
    expect((await coded('not_found')).failureClass).toBe('permanent');
    expect((await coded('blocked')).failureClass).toBe('transient');
    expect((await coded('no_model')).message).toBe('vscode.lm: [no_model] details');
    expect((await failure(async () => Promise.reject(new Error('connection to the extension host closed')))).failureClass).toBe('transient');
  });

  it('refuses a result of the wrong shape as validation', async () => {
    const e = await failure(async () => ({ text: 'hello' }));
    expect(e.failureClass).toBe('validation');
    expect(e.message).toContain('content');
  });

  it('reports an aborted request as a model timeout', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await failure(async () => Promise.reject(new Error('cancelled')), ac.signal)).failureClass).toBe('model_timeout');
  });
});
