import { z } from 'zod';
import { redactText } from '../redact';
import { ClassifiedError } from '../../control/workflow/failures';
import type { Assessment, Tool } from '../../control/workflow/tool';
import { fetchFailure, readCapped } from './fetchText';
import { TOOL } from './names';
import { hostAllowed } from '../net/hosts';
import { retryAfterMs } from '../net/retryAfter';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const MAX_BODY_BYTES = 1024 * 1024;
/** RFC 9110 token characters: anything else fetch refuses, so refuse it as invalid input instead. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Response headers worth recording; the others may carry session cookies and add little. */
const KEPT_HEADERS = ['content-type', 'content-length', 'location', 'retry-after'];

export const HttpInput = z
  .object({
    method: z.enum(METHODS).default('GET'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    headers: z.record(z.string().regex(HEADER_NAME, 'not a valid header name'), z.string().max(8192)).optional(),
    body: z
      .string()
      .refine((b) => Buffer.byteLength(b) <= MAX_BODY_BYTES, 'body is larger than 1 MB')
      .optional(),
  })
  .strict()
  .refine((i) => i.body === undefined || (i.method !== 'GET' && i.method !== 'HEAD'), { message: 'GET and HEAD requests have no body', path: ['body'] });
export type HttpInput = z.infer<typeof HttpInput>;

export interface HttpOutput {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly truncated: boolean;
}

export interface HttpOptions {
  readonly allowedHosts: readonly string[];
  readonly outputCapBytes: number;
}

export function httpTool(options: HttpOptions): Tool<HttpInput> {
  return {
    name: TOOL.http,
    risk: 'write',
    toolClass: 'network',
    idempotent: false,
    input: HttpInput,
    assess,
    describe: (input) => `${input.method} ${redactText(input.url)}${input.body === undefined ? '' : ` with a ${Buffer.byteLength(input.body)}-byte body`}`,
    run: async (input, signal, call) => ({ output: await request(input, signal, call.key, options) }),
  };
}

function assess(input: HttpInput): Assessment {
  if (input.method === 'GET' || input.method === 'HEAD') return { risk: 'read', reasons: [`an HTTP ${input.method} only reads`] };
  return { risk: 'write', reasons: [`an HTTP ${input.method} to ${new URL(input.url).host} can change what the server holds`] };
}

async function request(input: HttpInput, signal: AbortSignal, key: string, options: HttpOptions): Promise<HttpOutput> {
  const url = new URL(input.url);
  if (!hostAllowed(url, options.allowedHosts)) {
    const why =
      options.allowedHosts.length === 0
        ? 'runbookAgent.tools.allowedHosts is empty, so every HTTP request is refused'
        : `it is not listed in runbookAgent.tools.allowedHosts (${options.allowedHosts.join(', ')})`;
    throw new ClassifiedError('policy', `http_request to ${url.host} refused: ${why}; add "${url.host}" to the setting to allow it`);
  }
  if (url.username || url.password) throw new ClassifiedError('permanent', 'http_request: put credentials in an Authorization header, not in the URL');

  const headers = new Headers(input.headers);
  // Kept if the step set its own: the API may expect its own key format, and the step's is as stable as ours.
  if (input.method !== 'GET' && input.method !== 'HEAD' && !headers.has('idempotency-key')) headers.set('Idempotency-Key', key);

  let response: Response;
  try {
    // A redirect is returned, not followed: following it could reach a host the allow list does not name.
    response = await fetch(url, { method: input.method, headers, body: input.body, redirect: 'manual', signal });
  } catch (error) {
    throw fetchFailure(error, signal, `http_request ${input.method} ${url.host}`);
  }
  if (response.status >= 500 || response.status === 429) {
    await response.body?.cancel().catch(() => undefined);
    throw new ClassifiedError('transient', `http_request ${input.method} ${url.host}: HTTP ${response.status}`, retryAfterMs(response.headers.get('retry-after')));
  }
  let body = { text: '', truncated: false };
  try {
    if (input.method !== 'HEAD') body = await readCapped(response, options.outputCapBytes);
  } catch (error) {
    throw fetchFailure(error, signal, `http_request ${input.method} ${url.host}: reading the response`);
  }
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) kept[name] = redactText(value);
  }
  return { status: response.status, headers: kept, body: redactText(body.text), truncated: body.truncated };
}
