import { createHash } from 'node:crypto';

/** JSON with sorted object keys, so equal values always give equal text (and equal hashes). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The idempotency key of a tool call: workflow, step and canonical inputs, never the attempt, so a retry
 * or a re-plan that repeats the same step finds the earlier record instead of acting twice.
 */
export function toolCallKey(workflowId: string, stepId: string, tool: string, input: unknown): string {
  return sha256(canonicalJson({ workflowId, stepId, tool, input }));
}
