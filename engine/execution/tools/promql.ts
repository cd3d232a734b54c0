import { z } from 'zod';
import { redactText, redactValue } from '../redact';
import { ClassifiedError } from '../../control/workflow/failures';
import type { Tool } from '../../control/workflow/tool';
import { fetchFailure, readCapped } from './fetchText';
import { TOOL } from './names';
import { promqlQuote } from './quote';
import { retryAfterMs } from '../net/retryAfter';

/** Series kept in the output: enough to reason about, small enough for a card and a prompt. */
const MAX_SERIES = 100;
/** A query answer bigger than this is refused rather than parsed. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export const PromqlInput = z
  .object({
    query: z.string().min(1).max(10_000),
    /** Evaluation time: RFC 3339 or a Unix timestamp, as Prometheus takes it; default now. */
    time: z.string().min(1).max(64).optional(),
  })
  .strict();
export type PromqlInput = z.infer<typeof PromqlInput>;

export interface PromqlOutput {
  readonly resultType: string;
  readonly series: number;
  readonly result: unknown;
  /** More than 100 series came back and only the first 100 are kept. */
  readonly truncated: boolean;
}

const Answer = z.object({
  status: z.enum(['success', 'error']),
  data: z.object({ resultType: z.string(), result: z.unknown() }).optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export function promqlTool(options: { readonly prometheusUrl: string }): Tool<PromqlInput> {
  const { endpoint, authorization } = queryEndpoint(options.prometheusUrl);
  return {
    name: TOOL.promql,
    risk: 'read',
    toolClass: 'network',
    idempotent: true,
    input: PromqlInput,
    quote: promqlQuote,
    describe: (input) => input.query,
    run: async (input, signal) => ({ output: await query(endpoint, authorization, input, signal) }),
  };
}

/** `user:pass@` in the configured URL becomes Basic auth: fetch refuses URLs that carry credentials. */
function queryEndpoint(prometheusUrl: string): { endpoint: URL; authorization?: string } {
  const url = new URL(prometheusUrl);
  let authorization: string | undefined;
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.search = '';
  url.hash = '';
  return { endpoint: url, authorization };
}

async function query(endpoint: URL, authorization: string | undefined, input: PromqlInput, signal: AbortSignal): Promise<PromqlOutput> {
  const url = new URL(endpoint);
  url.searchParams.set('query', input.query);
  if (input.time !== undefined) url.searchParams.set('time', input.time);
  const what = `prometheus ${url.host}`;
  let status: number;
  let text: string;
  let truncated: boolean;
  try {
    const response = await fetch(url, { headers: authorization ? { authorization, accept: 'application/json' } : { accept: 'application/json' }, signal });
    status = response.status;
    if (status >= 500 || status === 429) {
      await response.body?.cancel().catch(() => undefined);
      throw new ClassifiedError('transient', `${what}: HTTP ${status}`, retryAfterMs(response.headers.get('retry-after')));
    }
    ({ text, truncated } = await readCapped(response, MAX_RESPONSE_BYTES));
  } catch (error) {
    if (error instanceof ClassifiedError) throw error;
    throw fetchFailure(error, signal, what);
  }
  if (truncated) throw new ClassifiedError('permanent', `${what}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes; narrow the query`);

  let answer: z.infer<typeof Answer>;
  try {
    answer = Answer.parse(JSON.parse(text));
  } catch {
    throw new ClassifiedError('permanent', `${what}: HTTP ${status} without a Prometheus answer: ${redactText(text.slice(0, 200))}`);
  }
  if (answer.status === 'error') throw new ClassifiedError('permanent', redactText(`prometheus: ${answer.errorType ?? 'error'}: ${answer.error ?? 'no message'}`));
  if (!answer.data) throw new ClassifiedError('permanent', `${what}: a success answer without data`);
  const { resultType, result } = answer.data;
  // A scalar or string result is one [time, value] pair, itself an array: only vectors and matrices are lists.
  const many = (resultType === 'vector' || resultType === 'matrix') && Array.isArray(result);
  const series = many ? result.length : 1;
  return {
    resultType,
    series,
    result: redactValue(many ? result.slice(0, MAX_SERIES) : result),
    truncated: many && result.length > MAX_SERIES,
  };
}
