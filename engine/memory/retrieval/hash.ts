import crypto from 'node:crypto';

/** Hex sha256 of text or bytes, shortened to 32 hex digits (128 bits): ample for content addressing. */
export function contentHash(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex').slice(0, 32);
}
