import { z } from 'zod';

/** Where a step came from: the runbook section that proposed it (shown on approval cards, kept for audit). */
export const StepSource = z
  .object({
    path: z.string().max(1000),
    startLine: z.number().int().positive(),
    endLine: z.number().int().positive(),
    heading: z.string().max(500).optional(),
    /** Content hash of the document when the planner read it. */
    docVersion: z.string().max(100).optional(),
    /** The retrieved chunk (provenance id) the step was taken from, when retrieval found it. */
    chunkId: z.string().max(100).optional(),
    /** How the runbook wrote it: a fenced block, inline code or a `$ ` line in prose, an indented block. */
    form: z.enum(['fence', 'prose', 'indented']).optional(),
  })
  .strict();
export type StepSource = z.infer<typeof StepSource>;

/** VALIDATING checks on a step's output (see engine/execution/tools: shell output has exitCode and stdout). */
export const Check = z
  .object({
    exitCode: z.number().int().optional(),
    /** stdout must contain this text. */
    contains: z.string().max(2000).optional(),
    /** The first number in stdout must be below this (or below a person's answer: `{{answer:NAME}}`). */
    lessThan: z.union([z.number(), z.string().regex(/^\{\{answer:[A-Za-z0-9_.-]{1,100}\}\}$/, 'a number or an {{answer:NAME}} marker')]).optional(),
    /** No output: stdout is empty, or a PromQL query returns no series (the alert's expression no longer holds). */
    empty: z.boolean().optional(),
  })
  .strict();
export type Check = z.infer<typeof Check>;

export const Phase = z.enum(['diagnose', 'mitigate', 'verify']);
export type Phase = z.infer<typeof Phase>;

export const PlanStep = z
  .object({
    id: z.string().min(1).max(100),
    tool: z.string().min(1).max(100),
    /**
     * Validated against the tool's own schema. String inputs may hold `{{answer:NAME}}` markers: an earlier
     * ask_person step asks for NAME, and the orchestrator puts the answer in (quoted for the tool) before running.
     */
    input: z.unknown(),
    /** The planner asks for a person's approval. The policy gate may require one anyway (every write does). */
    approval: z.boolean().default(false),
    /** Checked in VALIDATING: the step's output, as JSON text, must contain this string. */
    expect: z.string().optional(),
    /** The planner's view; the engine assesses the input itself and takes the more dangerous of the two. */
    risk: z.enum(['read', 'write']).optional(),
    phase: Phase.optional(),
    /** A short decision summary (why this step), not a model's reasoning. */
    rationale: z.string().max(500).optional(),
    source: StepSource.optional(),
    /** Verification steps: the outcome that counts as fixed. */
    check: Check.optional(),
    /** A condition in the runbook's words ("If the flag is on (`new_pricing=on`) …"), checked against what ran. */
    when: z.string().max(500).optional(),
    /** Not from the runbook: a built-in diagnostic, or a step a planner added after reading the outputs. */
    origin: z.enum(['runbook', 'builtin', 'planner']).optional(),
  })
  .strict();
export type PlanStep = z.infer<typeof PlanStep>;
export type PlanStepInput = z.input<typeof PlanStep>;

export const Plan = z
  .object({
    summary: z.string().max(2000).default(''),
    steps: z.array(PlanStep).max(1000),
  })
  .strict()
  .refine((p) => new Set(p.steps.map((s) => s.id)).size === p.steps.length, { message: 'step ids must be unique' });
export type Plan = z.infer<typeof Plan>;
