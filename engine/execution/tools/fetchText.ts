// Shared by the network tools: reading a capped body, and turning fetch's failures into failure classes.
import { ClassifiedError, messageOf } from '../../control/workflow/failures';
import { utf8Boundary } from './capture';

export interface CappedBody {
  readonly text: string;
  readonly truncated: boolean;
}

/** The first `cap` bytes of a response body; the rest is not downloaded. */
export async function readCapped(response: Response, cap: number): Promise<CappedBody> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = cap - kept;
    if (value.length > room) {
      if (room > 0) chunks.push(value.subarray(0, room));
      kept += Math.max(0, room);
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    kept += value.length;
  }
  const buf = Buffer.concat(chunks);
  return { text: buf.subarray(0, truncated ? utf8Boundary(buf) : buf.length).toString('utf8'), truncated };
}

/**
 * A fetch that failed before a response: aborted by the caller (rethrown as the abort reason), a network
 * error (refused, reset, DNS), which may pass, or a request fetch would not send.
 */
export function fetchFailure(error: unknown, signal: AbortSignal, what: string): unknown {
  if (signal.aborted) return signal.reason;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  // Without a cause it was the request itself (an invalid header value): sending it again will not help.
  if (!cause) return new ClassifiedError('permanent', `${what}: ${messageOf(error)}`);
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : messageOf(error);
  return new ClassifiedError('transient', `${what}: ${detail}`);
}
