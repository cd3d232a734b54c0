import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The request body, refused with 413 as soon as it passes `limit`: a declared Content-Length is checked before
 * reading anything, a chunked body once the running count passes it. Nothing beyond the limit is buffered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `request body is larger than ${limit} bytes`, { Connection: 'close' });
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}
