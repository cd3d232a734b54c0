import type { SpanView } from '../../../protocol/agent';
import type { WorkflowEvent } from '../../../protocol/workflow';

type Attrs = SpanView['attributes'];
type Data = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Scalar attributes only (what a waterfall and OTLP can carry), undefined dropped. */
function attrs(values: Record<string, string | number | boolean | undefined>): Attrs {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Attrs;
}

const WAIT_ENDS = new Set(['approved', 'answered', 'edited', 'rejected', 'escalated', 'resolved']);
const PLAN_STARTS = new Set(['created', 'failed', 'rejected', 'plan_failed']);

/**
 * The trace of one workflow, derived from its event log (the log is the single record; spans are a view
 * of it): the workflow, each planning attempt, each step with its attempts and policy decision, each wait
 * for a person, and validation. Times are ms since the workflow was created; open spans have endMs null.
 */
export function spansOf(events: readonly WorkflowEvent[]): SpanView[] {
  if (events.length === 0) return [];
  const t0 = Date.parse(events[0]!.at);
  const ms = (e: WorkflowEvent) => Math.max(0, Date.parse(e.at) - t0);
  const spans: SpanView[] = [];
  const root: SpanView = { id: 'workflow', parentId: null, kind: 'workflow', name: 'invoke_agent', startMs: 0, endMs: null, status: 'open', attributes: {} };
  spans.push(root);
  let planFrom: number | null = 0;
  let planAttempt = 0;
  const steps = new Map<string, SpanView>();
  let attempt: SpanView | null = null;
  let wait: SpanView | null = null;
  let validation: SpanView | null = null;

  for (const e of events) {
    const d = (e.data ?? {}) as Data;
    const at = ms(e);
    if (wait && WAIT_ENDS.has(e.type)) {
      wait.endMs = at;
      wait.status = e.type === 'rejected' || e.type === 'escalated' ? 'error' : 'ok';
      wait.attributes = { ...wait.attributes, outcome: e.type, ...attrs({ by: str(d.by) }) };
      wait = null;
    }
    if (e.type === 'planned' || e.type === 'plan_failed') {
      const trace = (d.trace ?? {}) as Data;
      const route = (trace.route ?? {}) as Data;
      const retryIn = num(d.retryInMs);
      spans.push({
        id: `plan-${++planAttempt}`,
        parentId: 'workflow',
        kind: 'planning',
        name: `chat ${str(d.planner) ?? str(trace.model) ?? 'planner'}`,
        startMs: planFrom ?? at,
        endMs: at,
        status: e.type === 'planned' ? 'ok' : 'error',
        attributes: attrs({
          planner: str(d.planner),
          'gen_ai.request.model': str(trace.model),
          'gen_ai.usage.input_tokens': num(trace.inputTokens),
          'gen_ai.usage.output_tokens': num(trace.outputTokens),
          template: str(trace.templateVersion),
          route: str(route.choice),
          'route.reason': str(route.reason),
          tokens: num(d.tokens),
          'error.type': str(d.class),
          error: str(d.message),
        }),
      });
      planFrom = e.type === 'plan_failed' ? at + (retryIn ?? 0) : null;
    }
    if (PLAN_STARTS.has(e.type) && e.type !== 'plan_failed') planFrom = at;
    if (e.type === 'step_started') {
      const stepId = str(d.stepId) ?? String(d.stepIndex);
      const key = `${stepId}:${str(d.key) ?? ''}`;
      let step = steps.get(key);
      if (!step) {
        step = { id: `step-${steps.size + 1}`, parentId: 'workflow', kind: 'tool', name: `execute_tool ${str(d.tool) ?? ''} ${stepId}`.trim(), startMs: at, endMs: null, status: 'open', attributes: attrs({ 'gen_ai.tool.name': str(d.tool), step: stepId, risk: str(d.risk) }) };
        steps.set(key, step);
        spans.push(step);
      }
      const policy = (d.policy ?? {}) as Data;
      if (str(policy.action)) {
        spans.push({ id: `${step.id}-policy-${spans.length}`, parentId: step.id, kind: 'policy', name: `policy ${str(policy.action)}`, startMs: at, endMs: at, status: 'ok', attributes: attrs({ decision: str(policy.action), by: str(policy.by), reason: str(policy.reason) }) });
      }
      attempt = { id: `${step.id}-attempt-${spans.length}`, parentId: step.id, kind: 'attempt', name: `attempt ${e.attempt}`, startMs: at, endMs: null, status: 'open', attributes: {} };
      spans.push(attempt);
    }
    if ((e.type === 'step_done' || e.type === 'step_failed') && d.replayed !== true) {
      const key = `${str(d.stepId) ?? String(d.stepIndex)}:${str(d.key) ?? ''}`;
      const step = steps.get(key) ?? [...steps.values()].find((s) => s.attributes['gen_ai.tool.name'] === str(d.tool) && s.endMs === null);
      const failed = e.type === 'step_failed';
      if (attempt) {
        attempt.endMs = at;
        attempt.status = failed ? 'error' : 'ok';
        if (failed) attempt.attributes = attrs({ 'error.type': str(d.class), error: str(d.message), 'retry.in_ms': num(d.retryInMs) });
        attempt = null;
      }
      if (step) {
        step.endMs = at;
        step.status = failed ? 'error' : 'ok';
      }
    }
    if (e.type === 'waiting_for_person') {
      const w = (d.waiting ?? {}) as Data;
      const kind = str(w.kind) ?? 'person';
      const what = kind === 'approval' ? `approval of ${str(w.stepId)}` : kind === 'question' ? `answer: ${str(w.name)}` : kind.replace('_', ' ');
      wait = { id: `wait-${spans.length}`, parentId: 'workflow', kind: 'wait', name: `waiting for ${what}`, startMs: at, endMs: null, status: 'open', attributes: attrs({ waiting: kind, step: str(w.stepId), held: w.held === true ? true : undefined }) };
      spans.push(wait);
    }
    if (e.type === 'validating') {
      validation = { id: 'validation', parentId: 'workflow', kind: 'validation', name: 'validation', startMs: at, endMs: null, status: 'open', attributes: {} };
      spans.push(validation);
    }
    if (validation && validation.endMs === null && (e.type === 'completed' || (e.type === 'escalated' && e.from === 'VALIDATING') || e.type === 'failed')) {
      validation.endMs = at;
      validation.status = e.type === 'completed' ? 'ok' : 'error';
    }
    if (e.to === 'COMPLETED' || e.to === 'ESCALATED') {
      root.endMs = at;
      root.status = e.to === 'COMPLETED' ? 'ok' : 'error';
    } else if (e.to) {
      root.endMs = null;
      root.status = 'open';
    }
  }
  return spans;
}
