// Zod schemas for what parseRunbook returns. Everything the planner reads from a runbook goes through these types.
import { z } from 'zod';

/** Risk a runbook author may declare on a fence. Only a hint: the classifier still decides (issue 5, capability 4). */
export const DeclaredRisk = z.enum(['read', 'write']);
export type DeclaredRisk = z.infer<typeof DeclaredRisk>;

export const PlaceholderForm = z.enum(['env', 'angle', 'template']);
export type PlaceholderForm = z.infer<typeof PlaceholderForm>;

export const Placeholder = z.object({
  /** env: `$NAME`/`${NAME}`; angle: `<pod-name>`; template: `{{ $labels.namespace }}`, `{{ .Labels.x }}`, `{{ $value }}`. */
  form: PlaceholderForm,
  /** The exact text as written, e.g. `${NS}` or `{{ $labels.namespace }}`. */
  raw: z.string(),
  /** A normalised name: `NS`, `pod-name`, `labels.namespace`, `value`. */
  name: z.string(),
  /** `${NAME:-x}` carries a default the shell would use; the planner may still prefer a real value. */
  default: z.string().optional(),
});
export type Placeholder = z.infer<typeof Placeholder>;

export const Warning = z.object({ line: z.number().int().nonnegative(), message: z.string() });
export type Warning = z.infer<typeof Warning>;

export const Section = z.object({
  /** Heading titles from the top-level heading down to this one. */
  path: z.array(z.string()),
  level: z.number().int().min(1).max(6),
  title: z.string(),
  /** 1-based, inclusive: the heading line to the line before the next heading of the same or a higher level. */
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
});
export type Section = z.infer<typeof Section>;

export const StepKind = z.enum(['shell', 'promql']);
export type StepKind = z.infer<typeof StepKind>;

export const Step = z.object({
  /** sha256(path, section path, index of the step among steps with that section path), 16 hex chars. */
  id: z.string(),
  /** The `name` attribute when the fence has one (Runme style). */
  name: z.string().optional(),
  sectionPath: z.array(z.string()),
  /** 1-based lines of the opening and closing fence (the last line of the file when the fence is unterminated). */
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  kind: StepKind,
  /** Lower-cased fence language: sh, bash, shell, zsh, console or promql. */
  language: z.string(),
  /** The commands joined by newlines: what a shell tool would run (or the PromQL query). */
  command: z.string(),
  /** Logical commands: continuations joined, comments and blank lines dropped, heredoc bodies kept with their command. */
  commands: z.array(z.string()),
  /** sha256 of `command`, 16 hex chars: changes whenever the text to run changes (approvals bind to it). */
  contentHash: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  declaredRisk: DeclaredRisk.optional(),
  placeholders: z.array(Placeholder),
  /** Console blocks: the lines that are not commands (what the command printed when the author ran it). */
  sampleOutput: z.string().optional(),
  /** Console block without any prompt: every line was taken as a command, so it may be output in disguise. */
  promptless: z.boolean().optional(),
  /** Where the command was written: a fenced block (the default), inline code or a `$ ` line in prose, an indented block. */
  origin: z.enum(['fence', 'prose', 'indented']).optional(),
  /** For a command in prose: the sentence it is in, which says what it is for. */
  description: z.string().optional(),
});
export type Step = z.infer<typeof Step>;

/** A paragraph or list item of prose: an instruction a person may have to follow when it holds no command. */
export const ProseItem = z.object({
  kind: z.enum(['paragraph', 'item', 'cell']),
  text: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  sectionPath: z.array(z.string()),
  /** It holds a command or query that became a step. */
  hasCommand: z.boolean(),
  /** How deep in nested lists (0: not in a list). */
  depth: z.number().int().nonnegative(),
});
export type ProseItem = z.infer<typeof ProseItem>;

/** A fenced block that is not a step (yaml, json, text, no language...): kept as context for planners. */
export const ContextBlock = z.object({
  sectionPath: z.array(z.string()),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  language: z.string(),
  text: z.string(),
});
export type ContextBlock = z.infer<typeof ContextBlock>;

export const ParsedRunbook = z.object({
  path: z.string(),
  title: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  sections: z.array(Section),
  steps: z.array(Step),
  contextBlocks: z.array(ContextBlock),
  prose: z.array(ProseItem),
  warnings: z.array(Warning),
});
export type ParsedRunbook = z.infer<typeof ParsedRunbook>;
