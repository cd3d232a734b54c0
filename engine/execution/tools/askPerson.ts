import { z } from 'zod';
import type { Tool } from '../../control/workflow/tool';
import { TOOL } from './names';

export const AskPersonInput = z
  .object({
    /** The name the answer is stored under, for later steps to refer to. */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, `_`, `.` and `-`, at most 100'),
    question: z.string().min(1).max(1000),
    /** `number`: the answer goes where only a number may (arithmetic); other answers are refused. */
    expects: z.literal('number').optional(),
  })
  .strict();
export type AskPersonInput = z.infer<typeof AskPersonInput>;

/**
 * A question for the person running the workflow. The orchestrator answers it itself, by waiting for them;
 * the tool exists so plans, policy and the panel can treat it like any other step.
 */
export function askPersonTool(): Tool<AskPersonInput> {
  return {
    name: TOOL.ask,
    risk: 'read',
    toolClass: 'other',
    idempotent: true,
    input: AskPersonInput,
    describe: (input) => input.question,
    run: () => Promise.reject(new Error('ask_person is answered by a person, not run')),
  };
}
