import { HttpError } from './errors';

/** Deeper than any alert format nests (an Alertmanager payload is 4 levels). */
export const MAX_DEPTH = 16;
/** Keys that mutate an object's prototype when assigned; an alert has no use for them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Only JSON in UTF-8 is read; the media type is checked before the body is. */
export function checkContentType(header: string | undefined): void {
  const [type = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') throw new HttpError(415, `content-type must be application/json, got ${header ? JSON.stringify(header.slice(0, 100)) : 'none'}`);
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new HttpError(415, `charset must be utf-8, got ${JSON.stringify(charset.slice(0, 40))}`);
}

/** Bytes -> a JSON value, or a 400 saying why: not UTF-8, not JSON, too deep, or a prototype key. */
export function parsePayload(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new HttpError(400, 'request body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpError(400, 'request body is empty: expected a JSON alert or an Alertmanager webhook payload');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `invalid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  checkShape(value);
  return value;
}

/** Iterative, so a hostile nesting depth cannot exhaust the stack before it is refused. */
function checkShape(root: unknown): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) throw new HttpError(400, `${path || 'body'}: contains a NUL character`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) throw new HttpError(400, `${path || 'body'}: nested deeper than ${MAX_DEPTH} levels`);
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) throw new HttpError(400, `${at.slice(0, 200)}: the key ${JSON.stringify(key)} is not allowed`);
      if (key.includes('\0')) throw new HttpError(400, `${(path || 'body').slice(0, 200)}: a key contains a NUL character`);
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
}
