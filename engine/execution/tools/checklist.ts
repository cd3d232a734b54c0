import { z } from 'zod';
import type { Tool } from '../../control/workflow/tool';
import { TOOL } from './names';

export const ChecklistInput = z
  .object({
    /** The name the outcome is stored under (like an answer). */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, `_`, `.` and `-`, at most 100'),
    /** The instruction, in the runbook's words. */
    item: z.string().min(1).max(1000),
  })
  .strict();
export type ChecklistInput = z.infer<typeof ChecklistInput>;

/**
 * A runbook instruction that is not a command ("Talk with developers…"): a person does it and ticks it done or
 * skipped, with a note. The orchestrator waits for them like for a question; the tick is in the event log.
 */
export function checklistTool(): Tool<ChecklistInput> {
  return {
    name: TOOL.checklist,
    risk: 'read',
    toolClass: 'other',
    idempotent: true,
    input: ChecklistInput,
    describe: (input) => input.item,
    run: () => Promise.reject(new Error('a checklist item is done by a person, not run')),
  };
}
