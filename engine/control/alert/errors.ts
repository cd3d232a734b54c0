import type { z } from 'zod';

/** An alert that cannot be normalised. Thrown whole: callers never receive a half-normalised alert. */
export class InvalidAlert extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAlert';
  }
}

/** `what: path.to.field: message; …` from zod issues, so the sender learns which field is wrong. */
export function describeIssues(what: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`);
  const more = error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '';
  return `${what}: ${parts.join('; ')}${more}`;
}
