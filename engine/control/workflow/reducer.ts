import type { Actor, Waiting, WorkflowState } from '../../../protocol/workflow';
import type { Budget } from './budget';
import { assertTransition } from './states';
import type { Plan } from './plan';
import type { AlertRequest } from './request';
import type { WorkflowView } from './view';

/** What the orchestrator decides; commit() stamps workflow, time, from-state and attempt and chains it. */
export interface EventDraft {
  readonly type: EventType;
  readonly to?: WorkflowState;
  readonly actor?: Actor;
  readonly data?: Record<string, unknown>;
}

export type EventType =
  | 'created'
  | 'planned'
  | 'plan_failed'
  | 'executing'
  | 'step_started'
  | 'step_done'
  | 'step_failed'
  | 'step_rerun'
  | 'validating'
  | 'completed'
  | 'failed'
  | 'waiting_for_person'
  | 'approved'
  | 'answered'
  | 'edited'
  | 'alert_resolved'
  | 'rechecked'
  | 'rejected'
  | 'escalated'
  | 'resolved'
  | 'decided'
  | 'step_skipped'
  | 'ticked'
  | 'awaiting_resolution'
  | 'cancelled'
  | 'retried'
  | 'archived'
  | 'runbook_chosen'
  | 'summary_drafted'
  /** An Alertmanager silence the workflow made was expired after it settled (engine/entry/agent/silences.ts). */
  | 'silence_expired'
  /** `serve --store`: a replica claimed (or failed) the send of the settled workflow's trace (engine/control/otel/exported.ts). */
  | 'trace_exported';

export interface StoredEvent {
  readonly workflowId: string;
  readonly type: string;
  readonly to: WorkflowState | null;
  readonly at: number;
  readonly data: Record<string, unknown>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * The single place where events change a workflow. The store applies it when committing and replay applies
 * it to the log, so "the log reproduces the state" holds by construction and is tested.
 */
export function applyEvent(view: WorkflowView | null, e: StoredEvent): WorkflowView {
  if (e.type === 'created') {
    if (view) throw new Error(`workflow ${e.workflowId} already exists`);
    const d = e.data as { request: AlertRequest; intakeKey: string | null; budget: Budget; workspace?: string };
    return {
      id: e.workflowId,
      intakeKey: d.intakeKey,
      title: d.request.title,
      workspace: d.workspace ?? '',
      state: 'RECEIVED',
      reason: null,
      request: d.request,
      plan: null,
      planVersion: 0,
      stepIndex: 0,
      attempt: 0,
      failures: {},
      replans: 0,
      usage: { steps: 0, toolCalls: 0, tokens: 0 },
      budget: d.budget,
      approval: null,
      waiting: null,
      answers: {},
      edits: {},
      rejected: [],
      skipped: {},
      decisions: [],
      generation: 0,
      archived: false,
      awaitingResolution: null,
      verification: null,
      validatingAt: null,
      alertResolvedAt: null,
      createdAt: e.at,
      updatedAt: e.at,
    };
  }
  if (!view) throw new Error(`event ${e.type} for unknown workflow ${e.workflowId}`);
  // Views stored before these fields existed read as if they had them empty.
  const next: WorkflowView = {
    ...view,
    skipped: view.skipped ?? {},
    decisions: view.decisions ?? [],
    generation: view.generation ?? 0,
    archived: view.archived ?? false,
    awaitingResolution: view.awaitingResolution ?? null,
    verification: view.verification ?? null,
    usage: { ...view.usage },
    failures: { ...view.failures },
    updatedAt: e.at,
  };
  const str = (k: string) => (typeof e.data[k] === 'string' ? (e.data[k] as string) : null);
  const cls = typeof e.data.class === 'string' ? e.data.class : null;
  if (e.to && e.to !== view.state) {
    assertTransition(view.state, e.to);
    next.state = e.to;
    next.reason = typeof e.data.reason === 'string' ? e.data.reason : null;
  }
  if (next.state !== 'WAITING_FOR_PERSON') next.waiting = null;
  if (next.state !== 'VALIDATING') next.awaitingResolution = null;
  if (next.state === 'VALIDATING' && view.state !== 'VALIDATING') next.validatingAt = e.at;
  next.usage.tokens += num(e.data.tokens);
  switch (e.type) {
    case 'planned':
      if (view.state === 'FAILED') next.replans++;
      next.plan = e.data.plan as Plan;
      next.planVersion = num(e.data.planVersion);
      next.stepIndex = 0;
      next.attempt = 0;
      next.failures = {};
      next.approval = null;
      next.edits = {};
      break;
    case 'plan_failed':
      // The message is the feedback a re-plan quotes.
      next.reason = str('message') ?? next.reason;
      next.attempt++;
      if (cls) next.failures[cls] = (next.failures[cls] ?? 0) + 1;
      if (e.data.replan === true) next.replans++;
      break;
    case 'step_started':
      next.usage.toolCalls++;
      break;
    case 'step_done':
      next.stepIndex++;
      next.usage.steps++;
      next.attempt = 0;
      next.failures = {};
      break;
    case 'step_failed':
      next.reason = str('message') ?? next.reason;
      next.attempt++;
      if (cls) next.failures[cls] = (next.failures[cls] ?? 0) + 1;
      break;
    case 'waiting_for_person':
      next.waiting = (e.data.waiting as Waiting | undefined) ?? null;
      // Any pause (a read-only tier, a kill switch, a lost trust) voids an approval not yet used: after it the
      // person approves again, against what is true then.
      next.approval = null;
      break;
    case 'approved': {
      const hash = str('inputHash');
      next.approval = hash === null ? null : { stepIndex: num(e.data.stepIndex), planVersion: view.planVersion, inputHash: hash };
      break;
    }
    case 'alert_resolved':
      next.alertResolvedAt = e.at;
      break;
    case 'edited':
      next.approval = null;
      next.edits = { ...view.edits, [str('stepId') ?? '']: e.data.input };
      break;
    case 'answered':
      next.answers = { ...view.answers, [str('name') ?? '']: str('value') ?? '' };
      break;
    case 'rejected': {
      const stepId = str('stepId') ?? '';
      next.rejected = [...view.rejected, { stepId, reason: str('note') ?? '', by: str('by') ?? '' }];
      // Going on (EXECUTING) rather than re-planning: the step is declined and the rest of the plan stands.
      if (e.to === 'EXECUTING') next.skipped = { ...next.skipped, [stepId]: { reason: `declined by ${str('by') ?? 'a person'}: ${str('note') ?? ''}`, by: str('by') ?? '', evidence: [] } };
      break;
    }
    case 'decided': {
      const d = e.data as { stepIndex?: number; phase?: string; by?: string; skip?: Array<{ stepId: string; reason: string; evidence?: string[] }>; add?: Plan['steps'] };
      next.decisions = [...next.decisions, { stepIndex: num(d.stepIndex), phase: d.phase ?? '', by: d.by ?? '' }];
      const skip = d.skip ?? [];
      if (skip.length > 0) next.skipped = { ...next.skipped, ...Object.fromEntries(skip.map((k) => [k.stepId, { reason: k.reason, by: d.by ?? '', evidence: k.evidence ?? [] }])) };
      if (next.plan && (d.add?.length ?? 0) > 0) {
        const steps = [...next.plan.steps];
        steps.splice(next.stepIndex, 0, ...d.add!);
        next.plan = { ...next.plan, steps };
        next.planVersion++;
      }
      break;
    }
    case 'step_skipped':
      next.stepIndex++;
      next.attempt = 0;
      next.failures = {};
      break;
    case 'ticked':
      next.answers = { ...view.answers, [str('name') ?? '']: str('outcome') ?? 'done' };
      break;
    case 'awaiting_resolution':
      next.awaitingResolution = { until: num(e.data.until) };
      break;
    case 'retried':
      next.stepIndex = num(e.data.stepIndex);
      next.generation = next.generation + 1;
      next.attempt = 0;
      next.failures = {};
      next.approval = null;
      next.verification = null;
      // Steps from the retried one on run again, whatever was decided or declined about them before.
      next.skipped = Object.fromEntries(Object.entries(next.skipped).filter(([id]) => (next.plan?.steps.findIndex((s) => s.id === id) ?? -1) < next.stepIndex));
      // A checklist item is an action, not a value: from the retried step on, a person does it (and ticks it) again.
      for (const s of next.plan?.steps.slice(next.stepIndex) ?? []) {
        const name = s.tool === 'checklist' ? (s.input as { name?: unknown }).name : undefined;
        if (typeof name === 'string' && name in next.answers) next.answers = Object.fromEntries(Object.entries(next.answers).filter(([k]) => k !== name));
      }
      // Running again is not archived: it shows in the list until it settles and is archived again.
      next.archived = false;
      break;
    case 'archived':
      next.archived = true;
      break;
    case 'summary_drafted':
      next.summaryDraft = e.data.draft ?? null;
      break;
    case 'runbook_chosen':
      // The plan is made again from this runbook (FAILED -> PLANNED); answers stay, decisions start over.
      next.chosenRunbook = str('runbook') ?? undefined;
      next.skipped = {};
      next.decisions = [];
      break;
    case 'completed':
    case 'escalated':
      if (Array.isArray(e.data.verification)) next.verification = e.data.verification as WorkflowView['verification'];
      break;
    default:
      break;
  }
  return next;
}
