import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime, type Span } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanView } from '../../../protocol/agent';
import type { SnapshotHit, ToolCallRecord, WorkflowEvent } from '../../../protocol/workflow';
import type { Db } from '../db/open';
import { redactText, redactValue } from '../../execution/redact';
import { ENGINE_VERSION } from '../../shared/version';
import { eventsOf } from '../store/sqlite/eventLog';
import { loadSnapshot } from '../store/sqlite/snapshot';
import { spansOf } from '../workflow/spans';
import { requireView } from '../store/sqlite/commit';
import { listToolCalls } from '../store/sqlite/toolCalls';
import type { WorkflowView } from '../workflow/view';
import { clean, factsOf, fromView, num, str, type Data } from './facts';
import { spanIdOf, traceIdOf, WorkflowIds } from './ids';
import { AGENT_NAME, ATTR_ERROR_TYPE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, GEN_AI, OPERATION, OTHER_ERROR, OWN, RUNBOOK_INDEX } from './semconv';

export interface WorkflowRecord {
  readonly view: WorkflowView;
  readonly events: readonly WorkflowEvent[];
  readonly toolCalls: readonly ToolCallRecord[];
  readonly snapshot: ReadonlyArray<SnapshotHit & { planVersion: number }>;
}

export function loadRecord(db: Db, id: string): WorkflowRecord {
  return { view: requireView(db, id), events: eventsOf(db, id), toolCalls: listToolCalls(db, id), snapshot: loadSnapshot(db, id) };
}

class Collect implements SpanProcessor {
  readonly spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush = () => Promise.resolve();
  shutdown = () => Promise.resolve();
}

const STATUS = { ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR, open: SpanStatusCode.UNSET } as const;

/**
 * One workflow as OpenTelemetry SDK spans, following the GenAI agent conventions: `invoke_agent runbook-agent`
 * at the root; each planning attempt as `chat <model>` (or `plan runbook-agent` when no model was called) with a
 * `retrieval runbooks` child where the planner searched; each tool call as `execute_tool <tool>` with its
 * attempts; waits for a person and validation as runbook_agent spans; policy decisions and state transitions
 * as span events. Times are the log's own (createdAt + offset), ids derive from the workflow id, and a span
 * still open ends at the last event with runbook_agent.open=true, so exporting twice gives the same spans.
 */
export function workflowSpans(record: WorkflowRecord): ReadableSpan[] {
  const { view, events } = record;
  const views = spansOf(events);
  // spansOf counts from the first event, the `created` one written at the workflow's createdAt.
  const t0 = events.length > 0 ? Date.parse(events[0]!.at) : view.createdAt;
  const at = (ms: number): HrTime => millisToHrTime(t0 + ms);
  const lastMs = events.length > 0 ? Math.max(0, Date.parse(events.at(-1)!.at) - t0) : 0;
  const ids = new WorkflowIds(traceIdOf(view.id));
  const collect = new Collect();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: AGENT_NAME, [ATTR_SERVICE_VERSION]: ENGINE_VERSION }),
    idGenerator: ids,
    spanProcessors: [collect],
  });
  const tracer = provider.getTracer(AGENT_NAME, ENGINE_VERSION);
  const facts = factsOf(events);
  const calls = new Map(record.toolCalls.map((c) => [c.key, c]));
  const started = new Map<string, Span>();
  const ends: Array<[Span, number]> = [];
  let planIndex = 0;
  let toolIndex = 0;
  let waitIndex = 0;

  const start = (s: SpanView, name: string, kind: SpanKind, attributes: Record<string, string | number | boolean | undefined>, decorate: (span: Span) => void = () => {}) => {
    ids.next = spanIdOf(view.id, s.id);
    const parent = s.parentId ? started.get(s.parentId) : undefined;
    const ctx = parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
    const span = tracer.startSpan(name, { kind, startTime: at(s.startMs), attributes: clean(attributes) }, ctx);
    started.set(s.id, span);
    decorate(span);
    const errorType = s.status === 'error' ? (str(s.attributes[ATTR_ERROR_TYPE]) ?? str(attributes[ATTR_ERROR_TYPE]) ?? OTHER_ERROR) : undefined;
    if (errorType) span.setAttribute(ATTR_ERROR_TYPE, errorType);
    const message = str(s.attributes.error) ?? (s.kind === 'workflow' ? (view.reason ?? undefined) : undefined);
    span.setStatus(s.status === 'error' ? { code: STATUS.error, message: message ? redactText(message) : undefined } : { code: STATUS[s.status] });
    if (s.endMs === null) span.setAttribute(`${OWN}open`, true);
    ends.push([span, s.endMs ?? lastMs]);
    return span;
  };

  for (const s of views) {
    const own = fromView(s.attributes);
    if (s.kind === 'workflow') {
      start(s, `${OPERATION.invokeAgent} ${AGENT_NAME}`, SpanKind.INTERNAL, {
        [GEN_AI.operation]: OPERATION.invokeAgent,
        [GEN_AI.agentName]: AGENT_NAME,
        [GEN_AI.agentVersion]: ENGINE_VERSION,
        [GEN_AI.conversationId]: view.id,
        [`${OWN}workflow.state`]: view.state,
        [`${OWN}workflow.reason`]: view.reason ?? undefined,
        [`${OWN}alert.title`]: view.request.title,
        [`${OWN}alert.severity`]: view.request.severity,
        [`${OWN}alert.source`]: view.request.source,
        [`${OWN}usage.steps`]: view.usage.steps,
        [`${OWN}usage.tool_calls`]: view.usage.toolCalls,
        [`${OWN}usage.tokens`]: view.usage.tokens,
        [ATTR_ERROR_TYPE]: view.state === 'ESCALATED' ? 'escalated' : undefined,
      }, (root) => {
        for (const e of events) {
          if (!e.to || e.to === e.from) continue;
          root.addEvent(`${OWN}transition`, clean({ [`${OWN}event.seq`]: e.seq, [`${OWN}event.type`]: e.type, [`${OWN}from`]: e.from ?? undefined, [`${OWN}to`]: e.to, [`${OWN}actor`]: e.actor }), millisToHrTime(Date.parse(e.at)));
        }
      });
    } else if (s.kind === 'planning') {
      const d = facts.plans[planIndex++] ?? {};
      const t = (d.trace ?? {}) as Data;
      const model = str(t.model);
      const operation = model ? OPERATION.chat : OPERATION.plan;
      start(s, `${operation} ${model ?? AGENT_NAME}`, model ? SpanKind.CLIENT : SpanKind.INTERNAL, {
        ...own,
        [GEN_AI.operation]: operation,
        // Not in today's plan trace (PlanTrace has no provider); written as soon as a planner records one.
        [GEN_AI.providerName]: str(t.provider),
        [`${OWN}plan.version`]: num(d.planVersion),
        [`${OWN}plan.steps`]: Array.isArray((d.plan as Data | undefined)?.steps) ? ((d.plan as Data).steps as unknown[]).length : undefined,
      });
      const hits = record.snapshot.filter((h) => h.planVersion === num(d.planVersion));
      if (hits.length > 0) retrieval(s, hits);
    } else if (s.kind === 'tool') {
      const fact = facts.calls[toolIndex++];
      const call = fact ? calls.get(fact.key) : undefined;
      const result = (call?.result ?? null) as Data | null;
      start(s, `${OPERATION.executeTool} ${str(s.attributes['gen_ai.tool.name']) ?? 'tool'}`, SpanKind.INTERNAL, {
        ...own,
        [GEN_AI.operation]: OPERATION.executeTool,
        [GEN_AI.toolCallId]: fact?.key || undefined,
        [GEN_AI.toolCallArguments]: call ? JSON.stringify(redactValue(call.input)) : undefined,
        [`${OWN}tool.status`]: call?.status,
        [`${OWN}tool.attempts`]: call?.attempts,
        [`${OWN}tool.exit_code`]: num(result?.exitCode),
      });
    } else if (s.kind === 'policy') {
      // A decision takes no time: an event on its tool span, not a span of its own.
      started.get(s.parentId ?? '')?.addEvent(`${OWN}policy_decision`, clean(own), at(s.startMs));
    } else if (s.kind === 'wait') {
      // spansOf opens one wait span per waiting_for_person event, in log order.
      const w = facts.waits[waitIndex++] ?? {};
      start(s, s.name, SpanKind.INTERNAL, { ...own, [`${OWN}span.kind`]: s.kind, [`${OWN}wait.describe`]: str(w.describe) ?? str(w.question), [`${OWN}wait.policy`]: str(w.policy) });
    } else {
      start(s, s.name, SpanKind.INTERNAL, { ...own, [`${OWN}span.kind`]: s.kind });
    }
  }

  function retrieval(plan: SpanView, hits: ReadonlyArray<SnapshotHit>) {
    // The log records what retrieval returned, not how long it took: the span spans its planning attempt.
    const s: SpanView = { id: `${plan.id}-retrieval`, parentId: plan.id, kind: 'retrieval', name: '', startMs: plan.startMs, endMs: plan.endMs, status: 'ok', attributes: {} };
    start(s, `${OPERATION.retrieval} ${RUNBOOK_INDEX}`, SpanKind.CLIENT, {
      [GEN_AI.operation]: OPERATION.retrieval,
      [GEN_AI.dataSourceId]: RUNBOOK_INDEX,
      [GEN_AI.retrievalDocuments]: JSON.stringify(hits.map((h) => ({ id: h.chunkId, score: h.score }))),
      [`${OWN}retrieval.hits`]: hits.length,
      [`${OWN}retrieval.stale`]: hits.filter((h) => h.stale).length,
      [`${OWN}retrieval.paths`]: [...new Set(hits.map((h) => h.docId))].join(', '),
    });
  }

  for (const [span, endMs] of ends) span.end(at(endMs));
  void provider.shutdown();
  return collect.spans;
}
