import { z } from 'zod';
import type { WorkflowView } from './view';

/** Per-workflow limits; exceeding one ends the workflow in ESCALATED with the reason. */
export const Budget = z
  .object({
    steps: z.number().int().positive().default(50),
    toolCalls: z.number().int().positive().default(100),
    tokens: z.number().int().positive().default(200_000),
    wallTimeMs: z.number().int().positive().default(30 * 60_000),
  })
  .strict();
export type Budget = z.infer<typeof Budget>;

export const DEFAULT_BUDGET: Budget = Budget.parse({});

/** The first exhausted budget, as a reason for a person, or null. `next` counts the action about to start. */
export function budgetExceeded(view: WorkflowView, now: number, next: { step?: boolean; toolCall?: boolean } = {}): string | null {
  const b = view.budget;
  const u = view.usage;
  if (now - view.createdAt > b.wallTimeMs) return `budget exceeded: wall time ${now - view.createdAt} ms > ${b.wallTimeMs} ms`;
  if (u.tokens > b.tokens) return `budget exceeded: tokens ${u.tokens} > ${b.tokens}`;
  if (next.step && u.steps + 1 > b.steps) return `budget exceeded: steps ${u.steps + 1} > ${b.steps}`;
  if (next.toolCall && u.toolCalls + 1 > b.toolCalls) return `budget exceeded: tool calls ${u.toolCalls + 1} > ${b.toolCalls}`;
  return null;
}
