import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * `Authorization: Bearer <token>`, compared in constant time. Both sides are hashed first so the comparison
 * does not leak the token's length either.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}
