import { z } from 'zod';
import type { SearchHit } from '../../memory/retrieval/search';
import { ClassifiedError } from '../../control/workflow/failures';
import type { PlanStepInput, StepSource } from '../../control/workflow/plan';
import { truncate } from './transport';

export const MAX_STEPS = 12;

/**
 * What the model is asked to answer: the engine plan's fields a model should decide, and no more. Approval and
 * checks are left to the engine's policy; sourceId points at a retrieved section instead of copying its path.
 */
export const ModelPlan = z
  .object({
    summary: z.string().max(1000).describe('One or two sentences: the suspected cause and what the plan does.'),
    steps: z
      .array(
        z
          .object({
            id: z.string().min(1).max(60).describe('Short, unique, lowercase, e.g. "check-disk".'),
            tool: z.string().min(1).max(100).describe('A tool name from the catalogue.'),
            // An open object rather than a record: small servers' grammar engines handle it, `propertyNames` less so.
            input: z.object({}).catchall(z.unknown()).describe("Follows the tool's input schema."),
            risk: z.enum(['read', 'write']),
            phase: z.enum(['diagnose', 'mitigate', 'verify']),
            rationale: z.string().max(300).describe('Why this step, in one short sentence.'),
            sourceId: z.string().max(10).nullable().describe('Provenance id of the section the step comes from, e.g. "S2", or null.'),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_STEPS),
  })
  .strict();
export type ModelPlan = z.infer<typeof ModelPlan>;

/** Without `$schema`: some OpenAI-compatible servers reject keys they do not know in response_format. */
export const MODEL_PLAN_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _, ...schema } = z.toJSONSchema(ModelPlan) as Record<string, unknown>;
  return schema;
})();

/** Reasoning models may wrap the answer in <think>…</think> or a code fence despite being told not to. */
export function extractJson(content: string): string {
  let text = content.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/^[\s\S]*<\/think>/i, '').trim();
  const fenced = /^```[\w-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  if (fenced) text = fenced[1]!.trim();
  // Prose around the object ("Here is the plan: {...}"): keep the outermost braces.
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first > 0 && last > first) text = text.slice(first, last + 1);
  return text;
}

export function parseModelPlan(content: string): ModelPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(extractJson(content));
  } catch (error) {
    throw new ClassifiedError('validation', `model output is not JSON: ${(error as Error).message}; it began: ${truncate(content, 120)}`);
  }
  const parsed = ModelPlan.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ClassifiedError('validation', `model output does not follow the plan schema: ${truncate(issues, 600)}`);
  }
  return parsed.data;
}

/** Provenance ids S1, S2, … in the order the sections appear in the prompt. */
export function sourceIdOf(index: number): string {
  return `S${index + 1}`;
}

/** The engine plan: tools and inputs are checked by the orchestrator, sources here (only we know the ids). */
export function toEnginePlan(model: ModelPlan, hits: readonly SearchHit[]): { summary: string; steps: PlanStepInput[] } {
  const sources = new Map(hits.map((h, i) => [sourceIdOf(i), h]));
  const steps = model.steps.map((s): PlanStepInput => {
    const step: PlanStepInput = { id: s.id, tool: s.tool, input: s.input, risk: s.risk, phase: s.phase, rationale: s.rationale };
    if (s.sourceId === null) return step;
    const hit = sources.get(s.sourceId);
    if (!hit) {
      const known = hits.length > 0 ? `S1 to ${sourceIdOf(hits.length - 1)}` : 'none: no section was retrieved';
      throw new ClassifiedError('validation', `step ${s.id}: unknown sourceId ${JSON.stringify(s.sourceId)} (known ids: ${known}; use null when no section applies)`);
    }
    return { ...step, source: sourceOf(hit) };
  });
  return { summary: model.summary, steps };
}

function sourceOf(hit: SearchHit): StepSource {
  return {
    path: hit.path,
    startLine: hit.startLine,
    endLine: hit.endLine,
    ...(hit.heading ? { heading: hit.heading.slice(0, 500) } : {}),
    docVersion: hit.docVersion,
    chunkId: String(hit.chunkId),
  };
}
