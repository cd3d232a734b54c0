// The evaluation case format (eval/README.md): one folder per case with a case.json validated here, and the
// recorded outputs it names beside it. Every field is checked with zod; a problem names the case, the field and
// what was expected, e.g. `eval/cases/x/case.json: recordings.2: give stdout or stdoutFile, not both`.
import { z } from 'zod';

/** A case's difficulty: exactly one of these is among its tags. */
export const LEVELS = ['easy', 'medium', 'hard'] as const;
export type Level = (typeof LEVELS)[number];
/** The tag of a case whose outputs hold a loud but unrelated signal. */
export const RED_HERRING = 'red-herring';

const Text = z.string().min(1).max(20_000);
/** A step id of the plan, or a substring of what the step runs (its command or query), matched after whitespace normalisation. */
const StepMatch = z.string().min(1).max(2000);

/** A recorded shell call: what the command printed and how it exited. */
const ShellRecording = z
  .object({
    command: Text,
    stdout: z.string().max(200_000).optional(),
    /** A file beside case.json holding stdout (clearer than an escaped JSON string). */
    stdoutFile: z.string().min(1).max(300).optional(),
    stderr: z.string().max(200_000).optional(),
    stderrFile: z.string().min(1).max(300).optional(),
    exitCode: z.number().int().min(0).max(255).default(0),
    note: z.string().max(500).optional(),
  })
  .strict()
  .refine((r) => !(r.stdout !== undefined && r.stdoutFile !== undefined), { message: 'give stdout or stdoutFile, not both' })
  .refine((r) => !(r.stderr !== undefined && r.stderrFile !== undefined), { message: 'give stderr or stderrFile, not both' });

/** A recorded PromQL answer: Prometheus's `data` (resultType and result) for this query. */
const PromqlRecording = z
  .object({
    query: Text,
    resultType: z.enum(['vector', 'matrix', 'scalar', 'string']).default('vector'),
    result: z.custom<unknown>((v) => v !== undefined, { message: 'result is required (use [] for no series)' }),
    note: z.string().max(500).optional(),
  })
  .strict();

/** Any other tool: the exact describe() text of its input, and the output it returns. */
const ToolRecording = z
  .object({
    tool: z.string().min(1).max(100),
    input: Text,
    output: z.unknown(),
    note: z.string().max(500).optional(),
  })
  .strict();

export type ShellRecording = z.output<typeof ShellRecording>;
export type PromqlRecording = z.output<typeof PromqlRecording>;
export type ToolRecording = z.output<typeof ToolRecording>;
export type Recording = ShellRecording | PromqlRecording | ToolRecording;

/**
 * One recording, read by the key that says what it records (command, query or tool), so a problem is reported
 * against that shape instead of as "matches none of three".
 */
export const Recording = z.unknown().transform((raw, ctx): Recording => {
  const keys = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : [];
  const schema = keys.includes('command') ? ShellRecording : keys.includes('query') ? PromqlRecording : keys.includes('tool') ? ToolRecording : null;
  if (schema === null) {
    ctx.addIssue({ code: 'custom', message: 'a recording has command (shell), query (PromQL) or tool (any other tool)' });
    return z.NEVER;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
    return z.NEVER;
  }
  return parsed.data as Recording;
});

/** A runbook put into the case's temporary workspace: from the public corpus, or a file of the case. */
export const RunbookSource = z.union([
  z.string().min(1).max(500),
  z.object({ corpus: z.string().min(1).max(500), to: z.string().min(1).max(500).optional() }).strict(),
  z.object({ file: z.string().min(1).max(300), to: z.string().min(1).max(500) }).strict(),
]);
export type RunbookSource = z.infer<typeof RunbookSource>;

export const Fact = z
  .object({
    /** Text that must appear (case-insensitive) in one summary item: a finding, a likely cause or a done item. */
    fact: z.string().min(1).max(500),
    /** The observation that item must cite: a step id or a substring of the command or query that showed it. */
    cites: StepMatch,
  })
  .strict();

export const Skip = z
  .object({
    /** A step the planner must skip after reading the outputs (a decision, not a person), with evidence. */
    step: StepMatch,
    /** The observation the skip must cite, when given. */
    cites: StepMatch.optional(),
  })
  .strict();

export const CaseFile = z
  .object({
    title: z.string().min(1).max(300),
    description: z.string().max(4000).optional(),
    tags: z
      .array(z.string().min(1).max(40).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase words joined by -'))
      .min(1)
      .max(20)
      .superRefine((tags, ctx) => {
        const levels = tags.filter((t) => (LEVELS as readonly string[]).includes(t));
        if (levels.length !== 1) ctx.addIssue({ code: 'custom', message: `exactly one of ${LEVELS.join(', ')} (found ${levels.length ? levels.join(', ') : 'none'})` });
        if (new Set(tags).size !== tags.length) ctx.addIssue({ code: 'custom', message: 'a tag is listed twice' });
      }),
    /** The alert as monitoring would send it: an Alertmanager webhook payload or a plain JSON alert (one alert). */
    alert: z.unknown(),
    /** A folder of this repository copied as the base of the workspace (e.g. examples/demo-workspace). */
    base: z.string().min(1).max(300).optional(),
    /** Runbooks copied into the workspace: corpus paths (relative to corpus/runbooks), or files of the case. */
    runbooks: z.array(RunbookSource).max(50).default([]),
    recordings: z.array(Recording).max(500).default([]),
    /** What the person in the loop does when the workflow waits for them; anything else ends the run there. */
    person: z
      .object({
        /** Answers to questions, keyed by the answer's name or by text its question contains (e.g. "$NAME"). */
        answers: z.record(z.string().min(1).max(200), z.string().max(1000)).default({}),
        /** Approvals a person gives: step ids or substrings of the command waiting for approval. */
        approve: z.array(StepMatch).max(50).default([]),
        /** Rejections, with the reason a person gives. */
        reject: z.array(z.object({ step: StepMatch, reason: z.string().min(1).max(500) }).strict()).max(50).default([]),
        /** Checklist items a person ticks: step id or item text substring -> done or skipped. */
        tick: z.record(z.string().min(1).max(500), z.enum(['done', 'skipped'])).default({}),
      })
      .strict()
      .default({ answers: {}, approve: [], reject: [], tick: {} }),
    expect: z
      .object({
        /** The runbook the plan must come from (workspace-relative path, as copied). */
        runbook: z.string().min(1).max(500).optional(),
        /** Diagnostics that must run: substrings of commands or queries. */
        diagnostics: z.array(StepMatch).max(50).default([]),
        /** Mitigations that must be proposed: planned and reaching a person's approval (or run, for a read). */
        mitigations: z.array(StepMatch).max(50).default([]),
        /** Steps the planner must skip with evidence after reading the outputs. */
        skipped: z.array(Skip).max(20).default([]),
        /** Facts the incident summary must state, each citing the observation that showed it. */
        facts: z.array(Fact).max(30).default([]),
        /** Where the workflow must stand at the end of the run (e.g. COMPLETED after an approved fix). */
        state: z.enum(['COMPLETED', 'ESCALATED', 'WAITING_FOR_PERSON', 'VALIDATING']).optional(),
      })
      .strict()
      .default({ diagnostics: [], mitigations: [], skipped: [], facts: [] }),
    forbid: z
      .object({
        /** Commands that must neither run nor be proposed: substrings of what a shell, k8s or host step runs. */
        commands: z.array(StepMatch).max(50).default([]),
        /** Claims the summary's likely causes must not make (the red herrings), matched case-insensitively. */
        claims: z.array(z.string().min(1).max(500)).max(30).default([]),
      })
      .strict()
      .default({ commands: [], claims: [] }),
    budget: z
      .object({
        /** Steps the workflow may take (tool calls, answers and ticks). */
        steps: z.number().int().positive().max(200).optional(),
        /** Decisions at phase ends. */
        decisions: z.number().int().nonnegative().max(50).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.runbooks.length === 0 && c.base === undefined) ctx.addIssue({ code: 'custom', path: ['runbooks'], message: 'a case needs runbooks or a base workspace' });
  });
export type CaseFile = z.infer<typeof CaseFile>;

/** zod issues as one line each: `path: message`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(case)'}: ${i.message}`).join('; ');
}
