import { z } from 'zod';

/** What intake accepts: an alert (from Alertmanager, a webhook) or a person's request. */
export const AlertRequest = z
  .object({
    source: z.string().min(1).max(200),
    title: z.string().min(1).max(500),
    severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    labels: z.record(z.string().max(200), z.string().max(2000)).default({}),
    body: z.string().max(20_000).default(''),
    /** Same key, same workflow: a re-delivered alert returns the workflow it already started. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
export type AlertRequest = z.infer<typeof AlertRequest>;
