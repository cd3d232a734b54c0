import type { Attributes } from '@opentelemetry/api';
import type { SpanView } from '../../../protocol/agent';
import type { WorkflowEvent } from '../../../protocol/workflow';
import { redactText } from '../../execution/redact';
import { ATTR_ERROR_TYPE, OWN } from './semconv';

export type Data = Record<string, unknown>;
export const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/** Every string that leaves in a trace goes through the redactor, names included. */
export function clean(values: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = typeof v === 'string' ? redactText(v) : v;
  return out;
}

/** spansOf's own attribute names become runbook_agent.*; the semconv ones it already uses keep their names. */
export function fromView(attributes: SpanView['attributes']): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (k === 'error') out[`${OWN}error.message`] = v;
    else out[k.startsWith('gen_ai.') || k === ATTR_ERROR_TYPE ? k : `${OWN}${k}`] = v;
  }
  return out;
}

/** What the event log says beyond spansOf, in the order spansOf opens spans: plans, waits and tool calls. */
export function factsOf(events: readonly WorkflowEvent[]) {
  const plans: Data[] = [];
  const waits: Data[] = [];
  const calls: Array<{ key: string; stepId: string }> = [];
  const seen = new Set<string>();
  for (const e of events) {
    const d = (e.data ?? {}) as Data;
    if (e.type === 'planned' || e.type === 'plan_failed') plans.push(d);
    if (e.type === 'waiting_for_person') waits.push((d.waiting ?? {}) as Data);
    if (e.type === 'step_started') {
      const stepId = str(d.stepId) ?? String(d.stepIndex);
      // The same rule spansOf uses to open a tool span, so the n-th call here is its n-th tool span.
      const id = `${stepId}:${str(d.key) ?? ''}`;
      if (!seen.has(id)) calls.push({ key: str(d.key) ?? '', stepId });
      seen.add(id);
    }
  }
  return { plans, waits, calls };
}
