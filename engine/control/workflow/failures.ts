/**
 * Failure classes decide what happens next (see retry.ts). Tools and planners throw ClassifiedError to say
 * which class applies; anything else is classified from its shape.
 */
export type FailureClass =
  | 'model_timeout'
  | 'tool_timeout'
  | 'transient'
  | 'validation'
  | 'policy'
  | 'permanent'
  | 'breaker_open';

export class ClassifiedError extends Error {
  constructor(
    readonly failureClass: FailureClass,
    message: string,
    /** The other side asked us to wait this long (HTTP 429/503 Retry-After): the retry waits at least this. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ClassifiedError';
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

export function classify(error: unknown): FailureClass {
  if (error instanceof ClassifiedError) return error.failureClass;
  const e = error as { code?: unknown; status?: unknown; name?: unknown };
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return 'transient';
  if (typeof e.status === 'number' && (e.status >= 500 || e.status === 429)) return 'transient';
  if (e.name === 'ZodError') return 'validation';
  return 'permanent';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
