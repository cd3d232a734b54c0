import { z } from 'zod';
import { MAX_ADDED } from '../../control/workflow/decision';
import { ClassifiedError } from '../../control/workflow/failures';
import { extractJson } from './output';
import { truncate } from './transport';

/** Notes a model may give per decision; the engine's own notes come on top (the decision holds 20). */
export const MAX_MODEL_NOTES = 8;

/**
 * What the model answers at the end of a phase. Risk and phase of added steps are the engine's to judge, so they
 * are not asked for; a step that writes names the runbook step it copies (runbookStep), never its own command.
 */
export const ModelDecision = z
  .object({
    skip: z
      .array(
        z
          .object({
            stepId: z.string().min(1).max(100).describe('Id of a step still ahead in the plan.'),
            reason: z.string().min(1).max(500).describe('Why it is not needed, in one sentence.'),
            evidence: z.array(z.string().max(100)).max(20).describe('Observation ids (tc:…) whose output shows it.'),
          })
          .strict(),
      )
      .max(50),
    add: z
      .array(
        z
          .object({
            id: z.string().min(1).max(60).describe('Short, new, lowercase, e.g. "check-inodes".'),
            tool: z.string().min(1).max(100).describe('A tool name from the catalogue.'),
            input: z.object({}).catchall(z.unknown()).describe("Follows the tool's input schema."),
            rationale: z.string().max(300).describe('What this step will show, in one short sentence.'),
            runbookStep: z.string().max(10).nullable().describe('The runbook step it copies, e.g. "R2", or null for a read-only diagnostic of your own.'),
          })
          .strict(),
      )
      .max(MAX_ADDED),
    escalate: z.string().max(1000).nullable().describe('Why a person must take over now, or null.'),
    notes: z.array(z.string().max(500)).max(MAX_MODEL_NOTES).describe('What the observations show, each citing its ids in brackets.'),
  })
  .strict();
export type ModelDecision = z.infer<typeof ModelDecision>;

export const MODEL_DECISION_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _, ...schema } = z.toJSONSchema(ModelDecision) as Record<string, unknown>;
  return schema;
})();

export function parseModelDecision(content: string): ModelDecision {
  let raw: unknown;
  try {
    raw = JSON.parse(extractJson(content));
  } catch (error) {
    throw new ClassifiedError('validation', `model decision is not JSON: ${(error as Error).message}; it began: ${truncate(content, 120)}`);
  }
  const parsed = ModelDecision.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ClassifiedError('validation', `model decision does not follow the decision schema: ${truncate(issues, 600)}`);
  }
  return parsed.data;
}
