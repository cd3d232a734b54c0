import type { Random } from './clock';
import type { FailureClass } from './failures';

/** Retry behaviour as plain data, one policy per failure class, overridable per tool. */
export type Backoff =
  | { readonly kind: 'none' }
  | { readonly kind: 'exponential'; readonly baseMs: number; readonly factor: number; readonly maxMs: number }
  /** AWS-style full jitter: a uniform delay in [0, min(maxMs, baseMs * 2^(n-1))). */
  | { readonly kind: 'full_jitter'; readonly baseMs: number; readonly maxMs: number }
  /** Wait until the open breaker lets a probe through. */
  | { readonly kind: 'breaker_cooldown' };

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly backoff: Backoff;
  /** What to do when retries are used up (or never allowed). */
  readonly then: 'escalate' | 'replan';
}

export type RetryPolicies = Readonly<Record<FailureClass, RetryPolicy>>;
export type RetryOverrides = Partial<Record<FailureClass, RetryPolicy>>;

export const DEFAULT_RETRY_POLICIES: RetryPolicies = {
  model_timeout: { maxRetries: 2, backoff: { kind: 'exponential', baseMs: 1000, factor: 2, maxMs: 30_000 }, then: 'escalate' },
  transient: { maxRetries: 3, backoff: { kind: 'full_jitter', baseMs: 500, maxMs: 20_000 }, then: 'escalate' },
  tool_timeout: { maxRetries: 2, backoff: { kind: 'exponential', baseMs: 1000, factor: 2, maxMs: 30_000 }, then: 'escalate' },
  // Re-planning is bounded by the orchestrator's maxReplans, then the workflow escalates.
  validation: { maxRetries: 0, backoff: { kind: 'none' }, then: 'replan' },
  policy: { maxRetries: 0, backoff: { kind: 'none' }, then: 'escalate' },
  permanent: { maxRetries: 0, backoff: { kind: 'none' }, then: 'escalate' },
  breaker_open: { maxRetries: 5, backoff: { kind: 'breaker_cooldown' }, then: 'escalate' },
};

export function resolvePolicy(cls: FailureClass, policies: RetryPolicies, ...overrides: Array<RetryOverrides | undefined>): RetryPolicy {
  let policy = policies[cls];
  for (const o of overrides) policy = o?.[cls] ?? policy;
  // Policy violations are never retried automatically, whatever an override says.
  if (cls === 'policy') return { maxRetries: 0, backoff: { kind: 'none' }, then: 'escalate' };
  return policy;
}

export type RetryDecision = { readonly action: 'retry'; readonly delayMs: number } | { readonly action: 'replan' } | { readonly action: 'escalate' };

/**
 * `failures` counts failures of this class for the current unit of work, including the one just seen.
 * `cooldownMs` is the least wait: a breaker's remaining cool-down, or a server's Retry-After.
 */
export function decideRetry(policy: RetryPolicy, failures: number, random: Random, cooldownMs = 0): RetryDecision {
  if (failures > policy.maxRetries) return { action: policy.then };
  return { action: 'retry', delayMs: Math.max(cooldownMs, backoffDelay(policy.backoff, failures, random, cooldownMs)) };
}

export function backoffDelay(b: Backoff, n: number, random: Random, cooldownMs = 0): number {
  switch (b.kind) {
    case 'none':
      return 0;
    case 'exponential':
      return Math.min(b.maxMs, b.baseMs * b.factor ** (n - 1));
    case 'full_jitter':
      return Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** (n - 1)));
    case 'breaker_cooldown':
      return Math.max(0, cooldownMs);
  }
}
