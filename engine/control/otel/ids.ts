import { createHash } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

const hex = (text: string, chars: number) => createHash('sha256').update(text).digest('hex').slice(0, chars);

/** One trace per workflow, derived from its id, so a re-export (or a second collector) sees the same trace. */
export function traceIdOf(workflowId: string): string {
  return hex(`runbook-agent trace ${workflowId}`, 32);
}

/** A span's id from the workflow and the span's id in spansOf, which stays the same as the log grows. */
export function spanIdOf(workflowId: string, spanId: string): string {
  return hex(`runbook-agent span ${workflowId} ${spanId}`, 16);
}

/**
 * The SDK asks its IdGenerator for every id. This one hands out the id chosen for the span about to start,
 * so ids follow the workflow rather than a random source.
 */
export class WorkflowIds implements IdGenerator {
  next = '';
  constructor(private readonly traceId: string) {}
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.next;
  }
}
