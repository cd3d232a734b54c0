import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { traceIdOf } from '../../../engine/control/otel/ids';
import { otlpJson } from '../../../engine/control/otel/export';
import { listToolCalls } from '../../../engine/control/store/sqlite/toolCalls';
import { reject } from '../../../engine/control/workflow/person';
import type { Planner } from '../../../engine/control/workflow/planner';
import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { fixture, scriptedTool } from '../workflow/fixtures';
import { flatten, type FlatSpan } from './otlp';
import { tracedWorkflow } from './workflow';

// OTLP numbers span kinds from 1 (INTERNAL) where the API numbers them from 0.
const OTLP_KIND = (k: SpanKind) => k + 1;
const T0 = Date.UTC(2026, 0, 1);

function byName(spans: FlatSpan[], name: string): FlatSpan[] {
  return spans.filter((s) => s.name === name);
}

describe('a workflow as OpenTelemetry spans (OTLP/JSON)', () => {
  it('follows the GenAI agent conventions with the log’s own times, parent links and statuses', async () => {
    const f = await tracedWorkflow();
    const file = otlpJson(f.db, f.id);
    expect(file.fileName).toMatch(/^runbook-agent-[0-9a-f]{8}\.otlp\.json$/);
    const { resource, spans } = flatten(JSON.parse(file.json));
    expect(resource).toMatchObject({ 'service.name': 'runbook-agent', 'service.version': expect.any(String) });

    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceIdOf(f.id)]));
    const ids = new Set(spans.map((s) => s.spanId));
    expect(ids.size).toBe(spans.length);
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((s) => s.name)).toEqual(['invoke_agent runbook-agent']);
    for (const s of spans) if (s.parentSpanId) expect(ids.has(s.parentSpanId)).toBe(true);

    const root = roots[0]!;
    expect(root).toMatchObject({ kind: OTLP_KIND(SpanKind.INTERNAL), startMs: T0, endMs: T0 + 5300, status: { code: SpanStatusCode.OK } });
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'runbook-agent',
      'gen_ai.conversation.id': f.id,
      'runbook_agent.workflow.state': 'COMPLETED',
      'runbook_agent.usage.tokens': 1234,
    });
    const transitions = root.events.filter((e) => e.name === 'runbook_agent.transition').map((e) => e.attributes['runbook_agent.to']);
    expect(transitions).toEqual(expect.arrayContaining(['RECEIVED', 'PLANNED', 'WAITING_FOR_PERSON', 'COMPLETED']));

    const [chat] = byName(spans, 'chat gpt-4o-mini');
    expect(chat).toMatchObject({ parentSpanId: root.spanId, kind: OTLP_KIND(SpanKind.CLIENT), startMs: T0 });
    expect(chat!.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 234 });
    const [search] = byName(spans, 'retrieval runbooks');
    expect(search).toMatchObject({ parentSpanId: chat!.spanId, kind: OTLP_KIND(SpanKind.CLIENT) });
    expect(search!.attributes).toMatchObject({ 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'runbooks', 'runbook_agent.retrieval.stale': 1 });
    expect(JSON.parse(String(search!.attributes['gen_ai.retrieval.documents']))).toEqual([{ id: 'chunk-a', score: 0.91 }, { id: 'chunk-b', score: 0.72 }]);

    const keys = new Map(listToolCalls(f.db, f.id).map((c) => [c.stepId, c.key]));
    const [check] = byName(spans, 'execute_tool check');
    expect(check!.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'check', 'gen_ai.tool.call.id': keys.get('check-disk') });
    expect(check!.events.find((e) => e.name === 'runbook_agent.policy_decision')?.attributes).toMatchObject({ 'runbook_agent.decision': 'allow' });

    const [restart] = byName(spans, 'execute_tool restart');
    expect(restart).toMatchObject({ parentSpanId: root.spanId, startMs: T0 + 5000, endMs: T0 + 5300, status: { code: SpanStatusCode.OK } });
    expect(restart!.attributes).toMatchObject({ 'gen_ai.tool.call.id': keys.get('restart-writer'), 'runbook_agent.tool.attempts': 2 });
    const attempts = spans.filter((s) => s.parentSpanId === restart!.spanId);
    expect(attempts.map((a) => a.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.OK]);
    expect(attempts[0]).toMatchObject({ status: { message: 'HTTP 503 from the writer' }, attributes: { 'error.type': 'transient' } });

    const [wait] = byName(spans, 'waiting for approval of restart-writer');
    expect(wait).toMatchObject({ parentSpanId: root.spanId, startMs: T0, endMs: T0 + 5000, attributes: { 'runbook_agent.outcome': 'approved', 'runbook_agent.by': 'ana' } });
  });

  it('gives the same ids and bytes when exported again', async () => {
    const f = await tracedWorkflow();
    expect(otlpJson(f.db, f.id).json).toBe(otlpJson(f.db, f.id).json);
  });

  it('ends a still-open span at the last event, marked open; an escalation is an error with error.type', async () => {
    const write = scriptedTool('restart', { risk: 'write' });
    // Re-plans leave out what a person rejected, as the real planners do.
    const planner: Planner = {
      name: 'runbook',
      provider: 'none',
      plan: async (input) => {
        if (input.rejected.length > 0) throw new ClassifiedError('permanent', 'nothing left to try');
        return { plan: { summary: 'restart', steps: [{ id: 'restart', tool: 'restart', input: { target: 'a' } }] } };
      },
    };
    const f = fixture([write], planner, { policy: () => ({ action: 'approve', reason: 'writes wait', by: 'tier' }) });
    const id = f.start();
    await f.orchestrator.drain();
    f.clock.advance(2000);
    let spans = flatten(JSON.parse(otlpJson(f.db, id).json)).spans;
    const open = spans.find((s) => s.name === 'waiting for approval of restart')!;
    expect(open).toMatchObject({ status: { code: SpanStatusCode.UNSET }, attributes: { 'runbook_agent.open': true } });
    expect(open.endMs).toBe(spans.find((s) => !s.parentSpanId)!.endMs);
    // No model was called: a `plan` span, not a `chat` one.
    expect(spans.find((s) => s.attributes['gen_ai.operation.name'] === 'plan')).toMatchObject({ name: 'plan runbook-agent', attributes: { 'runbook_agent.planner': 'runbook' } });
    expect(spans.some((s) => s.name.startsWith('chat '))).toBe(false);

    reject(f.db, id, 'ana', 'not during business hours', f.clock);
    await f.orchestrator.drain();
    spans = flatten(JSON.parse(otlpJson(f.db, id).json)).spans;
    const root = spans.find((s) => !s.parentSpanId)!;
    expect(root).toMatchObject({ status: { code: SpanStatusCode.ERROR }, attributes: { 'error.type': 'escalated', 'runbook_agent.workflow.state': 'ESCALATED' } });
    expect(root.status.message).toMatch(/not during business hours|nothing left/);
    const wait = spans.find((s) => s.name === 'waiting for approval of restart')!;
    expect(wait).toMatchObject({ status: { code: SpanStatusCode.ERROR }, attributes: { 'runbook_agent.outcome': 'rejected', 'error.type': '_OTHER' } });
    expect(wait.spanId).toBe(open.spanId);
  });
});
