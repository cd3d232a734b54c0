import { z } from 'zod';

const Text = (max: number) => z.string().max(max);

/**
 * The one canonical alert every planner sees. Each way an alert arrives (Alertmanager webhook, a plain JSON
 * alert, text pasted in the editor, the CLI) is normalised into this shape first (engine/control/alert), so planners
 * never see source formats. Everything in it is untrusted data: it fills placeholders (quoted), never instructs.
 */
export const AlertRequest = z
  .object({
    source: z.string().min(1).max(200),
    title: z.string().min(1).max(500),
    severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    labels: z.record(Text(200), Text(2000)).default({}),
    annotations: z.record(Text(200), Text(20_000)).default({}),
    body: Text(20_000).default(''),
    /** Alertmanager's fingerprint (or a hash of the labels): one firing alert, one workflow. */
    fingerprint: Text(200).optional(),
    status: z.enum(['firing', 'resolved']).default('firing'),
    startsAt: Text(100).optional(),
    /** Link back to the rule's expression (Prometheus puts `g0.expr=` in it); validation may re-evaluate it. */
    generatorURL: Text(4000).optional(),
    /** Same key, same workflow: a re-delivered alert returns the workflow it already started. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
export type AlertRequest = z.infer<typeof AlertRequest>;
export type AlertRequestInput = z.input<typeof AlertRequest>;
