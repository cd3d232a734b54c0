// Seeded generators of malformed and hostile intake requests: every one must be refused with a 4xx JSON error.
import type { Send } from './http';
import { AUTH, TOKEN, webhook } from './fixtures';
import { seededRandom } from '../../../engine/control/workflow/clock';

export interface Case {
  readonly kind: string;
  readonly send: Send;
}

type Gen = (r: () => number) => Case;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const json = (kind: string, value: unknown, extra: Partial<Send> = {}): Case => ({ kind, send: { headers: AUTH, body: JSON.stringify(value), ...extra } });
const raw = (kind: string, body: string | Buffer, extra: Partial<Send> = {}): Case => ({ kind, send: { headers: AUTH, body, ...extra } });
const valid = (r: () => number) => webhook([`f${int(r, 0, 1e9).toString(16)}`, `g${int(r, 0, 1e9).toString(16)}`]);
const WRONG = [42, -1.5, true, false, null, [], ['x'], {}, { a: 1 }, '', 'x'] as const;

/** Values of the wrong type (or out of range) for a field the schema requires to be something else. */
const mutations: Array<(w: ReturnType<typeof webhook>, r: () => number) => void> = [
  (w, r) => ((w as Record<string, unknown>).version = pick(r, [4, '3', null, 'v4', ['4']])),
  (w, r) => ((w as Record<string, unknown>).status = pick(r, [1, 'FIRE', null, {}, 'pending'])),
  (w, r) => ((w as Record<string, unknown>).receiver = pick(r, [1, null, {}, [], true])),
  (w, r) => ((w as Record<string, unknown>).alerts = pick(r, [{}, 'alerts', 3, [], null, [null], [1], ['x'], [[]]])),
  (w, r) => ((w.alerts[0] as Record<string, unknown>).status = pick(r, [0, 'ok', null, [], 'FIRING!'])),
  (w, r) => ((w.alerts[0] as Record<string, unknown>).labels = pick(r, [[], 1, 'l', null, true, [['a', 'b']]])),
  (w, r) => ((w.alerts[0]!.labels as Record<string, unknown>)[pick(r, ['severity', 'alertname', 'zone'])] = pick(r, [1, true, null, {}, ['a'], { x: 'y' }])),
  (w, r) => ((w.alerts[0] as Record<string, unknown>).startsAt = pick(r, [1, null, {}, [], false])),
  (w) => delete (w.alerts[0] as Record<string, unknown>).startsAt,
  (w) => delete (w.alerts[0] as Record<string, unknown>).labels,
  (w, r) => ((w.alerts[0] as Record<string, unknown>).annotations = pick(r, ['a', 1, [], [1], true])),
  (w, r) => ((w.alerts[0]!.annotations as Record<string, unknown>).summary = pick(r, [1, {}, [], false])),
  (w, r) => ((w.alerts[0] as Record<string, unknown>).fingerprint = pick(r, [1, {}, [], true])),
  (w, r) => ((w as Record<string, unknown>).commonLabels = pick(r, [1, 'x', [1], { a: 1 }])),
];

const generators: Gen[] = [
  (r) => {
    const text = JSON.stringify(valid(r));
    return raw('truncated JSON', text.slice(0, int(r, 0, text.length - 1)));
  },
  (r) => raw('garbage', pick(r, ['{', '}', '[', 'nul', 'undefined', "{'a':1}", '{"a":1,}', '[1,2', '{"a" 1}', 'NaN', '\u0000', '{"a":"\\x41"}', '{"a":"\\u12"}'])),
  (r) => {
    const w = valid(r);
    pick(r, mutations)(w, r);
    return json('wrong type', w);
  },
  (r) => json('plain alert with wrong types', { alertname: pick(r, [1, true, {}, []]), labels: pick(r, [1, 'x', [], { a: 2 }]) }),
  (r) => json('not an alert', pick(r, [1, 'alert', null, true, [], {}, { labels: {} }, { title: '' }, { title: '   ' }, [{}], [[]], { alerts: [] }])),
  (r) => {
    const w = valid(r);
    // Each limit is exceeded by a random margin, up to just under the body limit.
    const over = (limit: number) => limit + 1 + int(r, 0, pick(r, [10, 10_000, 900_000]));
    const where = int(r, 0, 3);
    if (where === 0) w.alerts[0]!.labels.instance = 'A'.repeat(over(2_000));
    else if (where === 1) (w.alerts[0]!.labels as Record<string, string>)['K'.repeat(Math.min(over(200), 5_000))] = 'v';
    else if (where === 2) w.alerts[0]!.annotations.summary = 'S'.repeat(over(20_000));
    else (w.alerts[0] as Record<string, unknown>).labels = Object.fromEntries(Array.from({ length: 101 + int(r, 0, 500) }, (_, i) => [`k${i}`, 'v']));
    return json('huge string or map', w);
  },
  (r) => {
    const depth = pick(r, [17, 50, 1_000, 100_000, 400_000]);
    const open = pick(r, ['[', '{"a":']);
    const close = open === '[' ? ']' : '}';
    return raw('deep nesting', `${open.repeat(depth)}1${close.repeat(depth)}`);
  },
  (r) => {
    const key = pick(r, ['__proto__', 'constructor', 'prototype']);
    const w = valid(r);
    const spot = int(r, 0, 3);
    const text = JSON.stringify(w);
    const inject = `"${key}":{"polluted":"yes","isAdmin":true},`;
    const at = [text.indexOf('{') + 1, text.indexOf('"labels":{') + 10, text.indexOf('"annotations":{') + 15, text.indexOf('"groupLabels":{') + 15][spot]!;
    return raw('prototype key', text.slice(0, at) + inject + text.slice(at));
  },
  (r) => {
    const w = valid(r);
    const field = pick(r, ['labels', 'annotations', 'title'] as const);
    if (field === 'title') return json('NUL in a value', { title: `a\u0000b`, startsAt: '2026-11-24T03:00:00Z' });
    (w.alerts[0]![field] as Record<string, string>)[pick(r, ['k\u0000', 'ok'])] = 'v\u0000';
    return json('NUL in a value', w);
  },
  (r) => {
    const text = Buffer.from(JSON.stringify(valid(r)));
    const at = int(r, 1, text.length - 2);
    return raw('raw NUL byte', Buffer.concat([text.subarray(0, at), Buffer.from([0]), text.subarray(at)]));
  },
  (r) => {
    const text = Buffer.from(JSON.stringify(valid(r)));
    const at = text.indexOf('"summary":"') + 11 + int(r, 0, 4);
    const bad = pick(r, [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x80]]);
    return raw('not UTF-8', Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]));
  },
  (r) => {
    const type = pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/json; charset=utf-16', 'text/json', 'application/xml', '', '*/*']);
    const headers: Record<string, string> = { authorization: AUTH.authorization };
    if (type !== '') headers['content-type'] = type;
    return { kind: 'wrong content type', send: { headers, body: JSON.stringify(valid(r)) } };
  },
  (r) => {
    const auth = pick(r, [undefined, '', 'Bearer', 'Bearer ', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, `Token ${TOKEN}`, `Bearer ${TOKEN.toUpperCase()}`, `Bearer\t${TOKEN} extra`, `${TOKEN}`, `Bearer ${'a'.repeat(4000)}`]);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth !== undefined) headers.authorization = auth;
    return { kind: 'missing or invalid token', send: { headers, body: JSON.stringify(valid(r)) } };
  },
  (r) => {
    const size = int(r, 1024 * 1024 + 1, 3 * 1024 * 1024);
    const body = Buffer.alloc(size, pick(r, [' ', '[', 'a']));
    return raw('oversize body', body, { chunked: r() < 0.5 });
  },
  (r) => {
    const n = pick(r, [501, 10_000]);
    const item = pick(r, [{ title: 'x' }, webhook(['h1']).alerts[0]]);
    if (r() < 0.5) return json('alerts array of thousands', Array.from({ length: n }, () => item));
    return json('webhook with thousands of alerts', { ...webhook(['h1']), alerts: Array.from({ length: n }, (_, i) => ({ ...webhook([`h${i}`]).alerts[0] })) });
  },
  (r) => {
    const [method, path] = pick(r, [['GET', '/alerts'], ['PUT', '/webhook'], ['DELETE', '/alerts'], ['POST', '/'], ['POST', '/alerts/..'], ['POST', '/ALERTS'], ['POST', '/webhook/x'], ['PATCH', '/healthz'], ['POST', '/healthz']] as const);
    return { kind: 'wrong method or path', send: { method, path, headers: AUTH, body: JSON.stringify(valid(r)) } };
  },
];

/** `n` cases from `seed`, every generator used in turn so each kind appears about equally often. */
export function hostileCases(seed: number, n: number): Case[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => generators[i % generators.length]!(r));
}
