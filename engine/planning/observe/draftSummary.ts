// The incident summary drafted by a model, from the recorded observations only. The model answers claims, each
// citing the observations it rests on; a claim that cites no observation that exists is dropped and the drop is
// returned with the draft, so what a person reads is only text the record backs. Nothing but the claims is kept.
import { z } from 'zod';
import { redactText, redactValue } from '../../execution/redact';
import { ClassifiedError } from '../../control/workflow/failures';
import { citable, normaliseId } from '../llm/decide';
import { clip, observationsText } from '../llm/decidePrompt';
import { dataBlock } from '../llm/fence';
import { extractJson } from '../llm/output';
import { loadFamily, render } from '../llm/template';
import { truncate, type ChatTransport } from '../llm/transport';
import type { CallRecord } from '../../control/workflow/decision';
import type { WorkflowView } from '../../control/workflow/view';
import { observe, type Observation } from './observations';
import { composeSummary, type IncidentSummary, type SummaryEvent } from './summary';

export const MAX_CLAIMS = 8;
export const CLAIM_CHARS = 300;

export const ModelSummary = z
  .object({
    claims: z
      .array(
        z
          .object({
            text: z.string().max(1000).describe('One plain sentence, without ids in it.'),
            cites: z.array(z.string().max(100)).max(10).describe('Ids (tc:…) of the observations that show it.'),
          })
          .strict(),
      )
      .max(20),
  })
  .strict();
export type ModelSummary = z.infer<typeof ModelSummary>;

export const MODEL_SUMMARY_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _, ...schema } = z.toJSONSchema(ModelSummary) as Record<string, unknown>;
  return schema;
})();

export interface Claim {
  readonly text: string;
  /** Ids of observations that exist (tc:…), at least one. */
  readonly cites: string[];
}

export interface SummaryDraft {
  /** The draft: only these are shown, each with its citations. */
  readonly claims: Claim[];
  /** What the model said that is not in the draft, and why: uncited claims, claims past the bound, an unusable answer. */
  readonly dropped: Array<{ readonly text: string; readonly why: string }>;
  /** Citations removed from claims that kept others. */
  readonly removedCitations: Array<{ readonly claim: string; readonly ids: string[] }>;
  /** `summary/v1`: the prompt's family and version. */
  readonly templateVersion: string;
  readonly tokens: number;
  readonly model: string;
}

export interface DraftOptions {
  readonly signal?: AbortSignal;
  readonly templateVersion?: string;
  readonly templateRoot?: string;
}

/**
 * Asks the model for the narrative and keeps only the claims that cite real observations. Throws the transport's
 * ClassifiedError when the model cannot be reached (nothing to record but the failure); an answer that is not a
 * summary is returned as an empty draft with the answer in `dropped`.
 */
export async function draftSummary(summary: IncidentSummary, observations: readonly Observation[], transport: ChatTransport, options: DraftOptions = {}): Promise<SummaryDraft> {
  const version = options.templateVersion ?? 'v1';
  const t = loadFamily('summary', version, options.templateRoot);
  const context = render(t.context, {
    record: dataBlock(JSON.stringify(redactValue(recordOf(summary)), null, 2)),
    observationCount: observations.length,
    observations: observations.length > 0 ? observationsText(observations) : '(none: nothing ran)',
  });
  const task = render(t.task, { maxClaims: MAX_CLAIMS, maxChars: CLAIM_CHARS });
  const answer = await transport.chat(
    {
      messages: [
        { role: 'system', content: t.system.trim() },
        { role: 'user', content: [context.trim(), task.trim()].join('\n\n') },
      ],
      schema: MODEL_SUMMARY_SCHEMA,
      schemaName: 'incident_summary',
    },
    options.signal ?? new AbortController().signal,
  );
  const base = { templateVersion: `summary/${version}`, tokens: (answer.inputTokens ?? 0) + (answer.outputTokens ?? 0), model: answer.model };
  let parsed: ModelSummary;
  try {
    parsed = parseModelSummary(answer.content);
  } catch (error) {
    return { ...base, claims: [], removedCitations: [], dropped: [{ text: clip(redactText(answer.content.replace(/\s+/g, ' ').trim()), CLAIM_CHARS), why: (error as Error).message }] };
  }
  return { ...base, ...checkClaims(parsed, observations) };
}

/** The same from a workflow's record: the composed summary and the observations of its tool calls. */
export function draftFromRecord(view: WorkflowView, calls: readonly CallRecord[], events: readonly SummaryEvent[], transport: ChatTransport, options: DraftOptions = {}): Promise<SummaryDraft> {
  return draftSummary(composeSummary(view, calls, events), observe(view.plan ?? { summary: '', steps: [] }, calls), transport, options);
}

export function parseModelSummary(content: string): ModelSummary {
  let raw: unknown;
  try {
    raw = JSON.parse(extractJson(content));
  } catch (error) {
    throw new ClassifiedError('validation', `model summary is not JSON: ${(error as Error).message}`);
  }
  const parsed = ModelSummary.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ClassifiedError('validation', `model summary does not follow the summary schema: ${truncate(issues, 600)}`);
  }
  return parsed.data;
}

const INLINE_IDS = /\s*[[(]\s*((?:tc:[0-9a-f]{1,64}\s*[,;]?\s*)+)[\])]/gi;

/** Every claim cites at least one real observation, or it is dropped with the reason. */
export function checkClaims(model: ModelSummary, observations: readonly Observation[]): Pick<SummaryDraft, 'claims' | 'dropped' | 'removedCitations'> {
  const known = citable(observations);
  const claims: Claim[] = [];
  const dropped: Array<{ text: string; why: string }> = [];
  const removedCitations: Array<{ claim: string; ids: string[] }> = [];
  for (const c of model.claims) {
    // Ids written into the sentence count as citations (and are checked like them); the text keeps none.
    const inline: string[] = [];
    const stripped = c.text.replace(INLINE_IDS, (_, ids: string) => {
      inline.push(...ids.split(/[\s,;]+/).filter((i) => i !== ''));
      return '';
    });
    const text = clip(redactText(stripped.replace(/\s+/g, ' ').trim()), CLAIM_CHARS);
    const cited = [...new Set([...c.cites, ...inline].map(normaliseId).filter((i) => i !== ''))];
    const real = cited.filter((i) => known.has(i));
    const unknown = cited.filter((i) => !known.has(i));
    if (text === '') {
      if (cited.length > 0) dropped.push({ text: '', why: 'an empty claim' });
      continue;
    }
    if (real.length === 0) {
      dropped.push({ text, why: cited.length === 0 ? 'cites no observation' : `cites only ids no observation has: ${unknown.slice(0, 5).join(', ')}` });
      continue;
    }
    if (claims.length >= MAX_CLAIMS) {
      dropped.push({ text, why: `more than ${MAX_CLAIMS} claims` });
      continue;
    }
    if (unknown.length > 0) removedCitations.push({ claim: text, ids: unknown.slice(0, 10) });
    claims.push({ text, cites: real });
  }
  return { claims, dropped, removedCitations };
}

/** What the model reads of the composed summary: the record without the timeline's clock times. */
function recordOf(s: IncidentSummary) {
  return { fired: { title: s.fired.title, severity: s.fired.severity, labels: s.fired.labels }, state: s.state, reason: s.reason, checked: s.checked, causes: s.causes, done: s.done, verification: s.verification };
}
