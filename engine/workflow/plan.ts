import { z } from 'zod';

export const PlanStep = z
  .object({
    id: z.string().min(1).max(100),
    tool: z.string().min(1).max(100),
    input: z.unknown(),
    /** A person must approve this step before it runs (the workflow waits in WAITING_FOR_PERSON). */
    approval: z.boolean().default(false),
    /** Checked in VALIDATING: the step's output, as JSON text, must contain this string. */
    expect: z.string().optional(),
  })
  .strict();
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z
  .object({
    summary: z.string().max(2000).default(''),
    steps: z.array(PlanStep).max(1000),
  })
  .strict()
  .refine((p) => new Set(p.steps.map((s) => s.id)).size === p.steps.length, { message: 'step ids must be unique' });
export type Plan = z.infer<typeof Plan>;
