import { z } from 'zod';

/** A JSON-RPC request: its method name and the schemas of what crosses the wire each way. */
export interface RequestType<P extends z.ZodType, R extends z.ZodType> {
  readonly method: string;
  readonly params: P;
  readonly result: R;
}

export function defineRequest<P extends z.ZodType, R extends z.ZodType>(
  method: string,
  params: P,
  result: R,
): RequestType<P, R> {
  return { method, params, result };
}

/** A one-way message: method name and payload schema. */
export interface NotificationType<P extends z.ZodType> {
  readonly method: string;
  readonly params: P;
}

export function defineNotification<P extends z.ZodType>(method: string, params: P): NotificationType<P> {
  return { method, params };
}

/** A readable, one-line account of why a value failed its schema: "note: expected string, received number". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses `value` or throws an Error whose message names `what` and every failing field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
