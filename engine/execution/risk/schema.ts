import { z } from 'zod';

/** `read` may run without a person (if policy allows); `write` always needs one. */
export const Risk = z.enum(['read', 'write']);
export type Risk = z.infer<typeof Risk>;

export const Classification = z.object({
  risk: Risk,
  /** Short human sentences; for a write, only the parts that make it a write. */
  reasons: z.array(z.string()),
});
export type Classification = z.infer<typeof Classification>;
