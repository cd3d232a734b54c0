// Alertmanager write-back (API v2): a silence for the alert's labels while a person's approved mitigation works,
// and its expiry when the workflow settles. Creating a silence is a write, so the step waits for approval like
// any other. The labels are data: equality matchers only (never a regex), plain values, size-capped.
// API: https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml (postableSilence, gettableSilence).
import { z } from 'zod';
import { redactText } from '../redact';
import { ClassifiedError } from '../../control/workflow/failures';
import type { Tool } from '../../control/workflow/tool';
import { fetchFailure, readCapped } from './fetchText';
import { TOOL } from './names';
import { retryAfterMs } from '../net/retryAfter';

/** The silence's `createdBy`: who made it, as Alertmanager's UI shows it. */
export const SILENCE_CREATOR = 'runbook-agent';
export const MAX_SILENCE_MINUTES = 24 * 60;
export const DEFAULT_SILENCE_MINUTES = 60;
const MAX_MATCHERS = 30;
/** A silence list bigger than this is not read (looking for a silence this call made already). */
const MAX_LIST_BYTES = 8 * 1024 * 1024;
const MAX_ANSWER_BYTES = 64 * 1024;

/** A Prometheus label name (Alertmanager 0.25 takes no other). */
const LabelName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a label name is letters, digits and underscores, not starting with a digit');
/** A label value as the alert carries it: plain text, one line, no control characters. */
const LabelValue = z
  .string()
  .min(1, 'an empty value would match alerts without the label: leave the label out instead')
  .max(1000, 'a label value is at most 1000 characters')
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'a label value must be plain text without control characters or line breaks');

export const SilenceMatcher = z.object({ name: LabelName, value: LabelValue }).strict();

export const SilenceInput = z
  .object({
    /** The alert's labels: each one must equal (isEqual, never a regex) for the silence to apply. */
    matchers: z.array(SilenceMatcher).min(1, 'a silence needs at least one label').max(MAX_MATCHERS, `a silence takes at most ${MAX_MATCHERS} labels`),
    durationMinutes: z
      .number()
      .int('whole minutes')
      .min(1, 'at least 1 minute')
      .max(MAX_SILENCE_MINUTES, `at most ${MAX_SILENCE_MINUTES} minutes (24 hours): a longer silence hides the alert long after the work is done`)
      .default(DEFAULT_SILENCE_MINUTES),
    comment: z
      .string()
      .min(1)
      .max(1000)
      .refine((v) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(v), 'the comment must be plain text'),
  })
  .strict()
  .refine((i) => new Set(i.matchers.map((m) => m.name)).size === i.matchers.length, { message: 'each label at most once', path: ['matchers'] })
  .refine((i) => i.matchers.some((m) => m.name === 'alertname'), {
    message: 'a silence must name the alert (an alertname label): without it, it could silence unrelated alerts',
    path: ['matchers'],
  });
export type SilenceInput = z.output<typeof SilenceInput>;

export interface SilenceOutput {
  readonly silenceId: string;
  /** The silence in Alertmanager's UI. */
  readonly url: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly matchers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** What a person reads on the step (the panel shows `text`). */
  readonly text: string;
}

const PostAnswer = z.object({ silenceID: z.string().min(1).max(200) });
const Gettable = z.object({
  id: z.string(),
  status: z.object({ state: z.string() }),
  comment: z.string().optional(),
  createdBy: z.string().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
});

/** The configured base URL without credentials (fetch refuses them), and Basic auth from them if any. */
export interface AlertmanagerEndpoint {
  readonly base: URL;
  readonly authorization?: string;
}

export function alertmanagerEndpoint(alertmanagerUrl: string): AlertmanagerEndpoint {
  const url = new URL(alertmanagerUrl);
  let authorization: string | undefined;
  if (url.username || url.password) {
    authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return { base: url, authorization };
}

const api = (e: AlertmanagerEndpoint, path: string) => new URL(`${e.base.href.replace(/\/+$/, '')}/api/v2/${path}`);
/** Where a person sees the silence: Alertmanager's own UI. */
export const silenceLink = (e: AlertmanagerEndpoint, id: string) => `${e.base.href.replace(/\/+$/, '')}/#/silences/${encodeURIComponent(id)}`;
/** The marker in a silence's comment that ties it to the one call that made it (so a re-run finds it). */
const callMark = (key: string) => `call ${key.slice(0, 16)}`;
const labelsText = (matchers: SilenceInput['matchers']) => matchers.map((m) => `${m.name}=${JSON.stringify(m.value)}`).join(', ');

export function alertmanagerSilenceTool(options: { readonly alertmanagerUrl: string }): Tool<SilenceInput> {
  const endpoint = alertmanagerEndpoint(options.alertmanagerUrl);
  return {
    name: TOOL.alertmanagerSilence,
    risk: 'write',
    toolClass: 'network',
    // A re-run after a crash first looks for the silence this call made (its comment names the call), so it is one.
    idempotent: true,
    input: SilenceInput,
    assess: (input) => ({ risk: 'write', reasons: [`creates a silence in Alertmanager ${endpoint.base.host} for ${input.durationMinutes} minutes: matching alerts send no notifications meanwhile`] }),
    describe: (input) => `silence ${labelsText(input.matchers)} in Alertmanager ${endpoint.base.host} for ${input.durationMinutes} minutes`,
    run: async (input, signal, call) => ({ output: await createSilence(endpoint, input, signal, call) }),
  };
}

async function createSilence(e: AlertmanagerEndpoint, input: SilenceInput, signal: AbortSignal, call: { key: string; workflowId: string }): Promise<SilenceOutput> {
  const mark = callMark(call.key);
  const workflow = `runbook-agent: workflow ${call.workflowId}`;
  const comment = `${input.comment}${input.comment.includes(workflow) ? '' : ` (${workflow})`} [${mark}]`;
  const existing = (await listSilences(e, signal)).find((s) => s.status.state !== 'expired' && s.comment?.includes(`[${mark}]`));
  if (existing) return outputOf(e, existing.id, existing.startsAt ?? '', existing.endsAt ?? '', input, true);

  const now = Date.now();
  const startsAt = new Date(now).toISOString();
  const endsAt = new Date(now + input.durationMinutes * 60_000).toISOString();
  const body = {
    matchers: input.matchers.map((m) => ({ name: m.name, value: m.value, isRegex: false, isEqual: true })),
    startsAt,
    endsAt,
    createdBy: SILENCE_CREATOR,
    comment,
  };
  const { status, text } = await send(e, 'POST', api(e, 'silences'), signal, JSON.stringify(body));
  if (status !== 200) throw new ClassifiedError('permanent', `alertmanager ${e.base.host}: the silence was refused (HTTP ${status}): ${redactText(text.slice(0, 300))}`);
  let id: string;
  try {
    id = PostAnswer.parse(JSON.parse(text)).silenceID;
  } catch {
    throw new ClassifiedError('permanent', `alertmanager ${e.base.host}: HTTP 200 without a silence id: ${redactText(text.slice(0, 200))}`);
  }
  return outputOf(e, id, startsAt, endsAt, input, false);
}

function outputOf(e: AlertmanagerEndpoint, id: string, startsAt: string, endsAt: string, input: SilenceInput, found: boolean): SilenceOutput {
  const url = silenceLink(e, id);
  const text = `Silence ${id} ${found ? 'was already made by this step' : 'created'} for ${labelsText(input.matchers)}, until ${endsAt || 'its end'}: ${url}\nIt is expired when the workflow completes, escalates or is cancelled.`;
  return { silenceId: id, url, startsAt, endsAt, matchers: input.matchers.map((m) => ({ name: m.name, value: m.value })), text };
}

async function listSilences(e: AlertmanagerEndpoint, signal: AbortSignal): Promise<Array<z.infer<typeof Gettable>>> {
  const { status, text, truncated } = await send(e, 'GET', api(e, 'silences'), signal, undefined, MAX_LIST_BYTES);
  if (status !== 200) throw new ClassifiedError('permanent', `alertmanager ${e.base.host}: listing silences answered HTTP ${status}: ${redactText(text.slice(0, 200))}`);
  if (truncated) throw new ClassifiedError('permanent', `alertmanager ${e.base.host}: the silence list is larger than ${MAX_LIST_BYTES} bytes`);
  try {
    return z.array(Gettable).parse(JSON.parse(text));
  } catch {
    throw new ClassifiedError('permanent', `alertmanager ${e.base.host}: the silence list is not Alertmanager's API v2 answer: ${redactText(text.slice(0, 200))}`);
  }
}

export type ExpireResult = { readonly outcome: 'expired' } | { readonly outcome: 'gone'; readonly detail: string };

/**
 * Expires a silence (DELETE /api/v2/silence/{id}). One that Alertmanager no longer has, or that already
 * expired, is 'gone': nothing is left to do. Other failures throw (ClassifiedError).
 */
export async function expireSilence(alertmanagerUrl: string, silenceId: string, signal: AbortSignal): Promise<ExpireResult> {
  const e = alertmanagerEndpoint(alertmanagerUrl);
  if (!/^[0-9A-Za-z-]{1,100}$/.test(silenceId)) throw new ClassifiedError('permanent', `not a silence id: ${JSON.stringify(silenceId.slice(0, 100))}`);
  const { status, text } = await send(e, 'DELETE', api(e, `silence/${encodeURIComponent(silenceId)}`), signal);
  if (status === 200) return { outcome: 'expired' };
  // Newer releases answer an unknown id with 404; 0.25 (Debian's) with 500 "silence not found".
  if (status === 404 || /silence not found/i.test(text)) return { outcome: 'gone', detail: 'Alertmanager does not know it (any more)' };
  // 0.25 answers 200 for one that expired already; some releases say "already expired".
  if (/already expired/i.test(text)) return { outcome: 'gone', detail: 'it had expired already' };
  throw new ClassifiedError('permanent', `alertmanager ${e.base.host}: expiring silence ${silenceId} answered HTTP ${status}: ${redactText(text.slice(0, 300))}`);
}

async function send(e: AlertmanagerEndpoint, method: 'GET' | 'POST' | 'DELETE', url: URL, signal: AbortSignal, body?: string, cap = MAX_ANSWER_BYTES): Promise<{ status: number; text: string; truncated: boolean }> {
  const what = `alertmanager ${e.base.host}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (e.authorization) headers.authorization = e.authorization;
  try {
    // A redirect is not followed: the silence goes to the configured Alertmanager or nowhere.
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal });
    if (response.status >= 500 && method !== 'DELETE') {
      await response.body?.cancel().catch(() => undefined);
      throw new ClassifiedError('transient', `${what}: HTTP ${response.status}`, retryAfterMs(response.headers.get('retry-after')));
    }
    if (response.status === 429) {
      await response.body?.cancel().catch(() => undefined);
      throw new ClassifiedError('transient', `${what}: HTTP 429`, retryAfterMs(response.headers.get('retry-after')));
    }
    const { text, truncated } = await readCapped(response, cap);
    return { status: response.status, text, truncated };
  } catch (error) {
    if (error instanceof ClassifiedError) throw error;
    throw fetchFailure(error, signal, what);
  }
}
