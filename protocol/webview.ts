/** Messages between the panel's webview and the extension host, validated on both ends. */
import { z } from 'zod';
import { WorkflowItem, WorkflowPanelView } from './agent';
import { Health } from './engine';

const Id = z.string().min(1).max(100);
const Line = z.number().int().nonnegative();

/** Commands the panel may ask the extension to run; anything else is refused by the schema. */
export const PanelCommand = z.enum(['runbookAgent.triageAlert', 'workbench.trust.manage']);
export type PanelCommand = z.infer<typeof PanelCommand>;

/**
 * A runbook section as the engine points at it (a step's source, an approval's source). The approval's
 * `source` is untyped in the engine's protocol, so the webview reads it through this schema.
 */
export const SourceRef = z.object({
  path: z.string().min(1).max(4096),
  startLine: Line,
  endLine: Line,
  heading: z.string().optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const FromWebview = z.discriminatedUnion('type', [
  /** `selectedId` comes from the webview's saved state, so a reloaded window shows the same workflow. */
  z.object({ type: z.literal('ready'), selectedId: Id.optional() }).strict(),
  z.object({ type: z.literal('refreshHealth') }).strict(),
  z.object({ type: z.literal('refresh') }).strict(),
  z.object({ type: z.literal('select'), id: Id }).strict(),
  /** Bound to the input the card showed: the engine refuses it if the step's input changed since. */
  z.object({ type: z.literal('approve'), id: Id, stepId: z.string().min(1).max(200), inputHash: z.string().min(1).max(200) }).strict(),
  z.object({ type: z.literal('reject'), id: Id, stepId: z.string().min(1).max(200), reason: z.string().trim().min(1).max(2000) }).strict(),
  z.object({ type: z.literal('edit'), id: Id, stepId: z.string().min(1).max(200), command: z.string().min(1).max(20_000) }).strict(),
  z.object({ type: z.literal('answer'), id: Id, value: z.string().max(2000) }).strict(),
  /** The checklist item the workflow waits on: done or skipped, with an optional note. */
  z.object({ type: z.literal('tick'), id: Id, stepId: z.string().min(1).max(200), outcome: z.enum(['done', 'skipped']), note: z.string().max(2000) }).strict(),
  /** While the workflow waits for its alert to resolve. */
  z.object({ type: z.literal('markResolved'), id: Id, note: z.string().max(2000) }).strict(),
  z.object({ type: z.literal('escalateNow'), id: Id, note: z.string().max(2000) }).strict(),
  z.object({ type: z.literal('cancel'), id: Id, note: z.string().max(2000) }).strict(),
  z.object({ type: z.literal('retry'), id: Id, stepId: z.string().min(1).max(200) }).strict(),
  z.object({ type: z.literal('archive'), id: Id }).strict(),
  /**
   * Forget one memory on the workflow's "Last time" card (incident memory, `runbookAgent/memory/forget`), after the
   * panel's own confirm. The extension forgets it only if the card of workflow `id` shows it.
   */
  z.object({ type: z.literal('forgetMemory'), id: Id, memoryId: z.string().min(1).max(200) }).strict(),
  /** Use Another Runbook for this workflow (the extension asks which Markdown file). */
  z.object({ type: z.literal('useRunbook'), id: Id }).strict(),
  /** Export Incident Report for this workflow (the extension asks for the folder). */
  z.object({ type: z.literal('exportReport'), id: Id }).strict(),
  /** List archived workflows too (or not). */
  z.object({ type: z.literal('showArchived'), show: z.boolean() }).strict(),
  /**
   * The tier of the workflow's own workspace (the extension looks it up, the webview never names a folder).
   * Auto-approve is left to settings and the CLI: one click in a panel should not widen what runs unseen.
   */
  z.object({ type: z.literal('setTier'), id: Id, tier: z.enum(['read-only', 'approved-writes']) }).strict(),
  /** Opened beside the panel only if it resolves inside one of the workspace folders. */
  z.object({ type: z.literal('openSource'), root: z.string().min(1).max(4096), path: z.string().min(1).max(4096), startLine: Line, endLine: Line }).strict(),
  z.object({ type: z.literal('runCommand'), command: PanelCommand }).strict(),
]);
export type FromWebview = z.infer<typeof FromWebview>;

export const ToWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('health'), health: Health }).strict(),
  z.object({ type: z.literal('error'), message: z.string() }).strict(),
  z.object({ type: z.literal('workflows'), workflows: z.array(WorkflowItem), pendingApprovals: z.number().int().nonnegative(), needsPerson: z.number().int().nonnegative().optional() }).strict(),
  z.object({ type: z.literal('listFailed'), message: z.string() }).strict(),
  /** The extension chose what to show (the webview's saved choice, or a "Show Workflow" command). */
  z.object({ type: z.literal('selected'), id: Id.nullable() }).strict(),
  z.object({ type: z.literal('view'), view: WorkflowPanelView }).strict(),
  z.object({ type: z.literal('viewFailed'), id: Id, message: z.string() }).strict(),
  /** A person's action (approve, reject, edit, answer, tick, tier, cancel, retry, …) the engine refused; shown on the workflow it concerns. */
  z.object({ type: z.literal('actionFailed'), id: Id, message: z.string() }).strict(),
]);
export type ToWebview = z.infer<typeof ToWebview>;
