// Log lines as a person reads them: the level, the message and where it came from, out of the formats the
// diagnostics print (each documented by its tool): `kubectl logs --prefix --timestamps` (`[pod/P/C] <RFC3339> …`),
// logfmt (Go kit, Prometheus, Alertmanager: `level=error msg="…" err="…"`), JSON lines (zap, etcd:
// `{"level":"warn","msg":"…"}`), klog (`E1124 03:03:58.118204 1 file.go:12] …`), Ceph daemons
// (`<ts> <thread> <prio> …`, `log [WRN] : …`), syslog and `journalctl` (`Nov 24 01:41:07 host proc[pid]: …`), and
// plain `<timestamp> <LEVEL> …` lines. A digest groups repeats (numbers masked) and keeps what matters first:
// fatal and error lines, then warnings, then the rest while there is room.

export type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug';

export interface LogLine {
  readonly raw: string;
  readonly level: Level | null;
  /** The level was printed (a level field, word or letter), not inferred from the words of the message. */
  readonly explicit: boolean;
  /** The message without timestamps, prefixes and levels; for structured lines: msg, then err, then a few fields. */
  readonly message: string;
  readonly pod?: string;
  readonly container?: string;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  readonly at?: number;
  /** A `uniq -c` count in front of the line. */
  readonly count?: number;
}

const LEVEL_RANK: Record<Level, number> = { fatal: 4, error: 3, warn: 2, info: 1, debug: 0 };
export const levelRank = (l: Level | null): number => (l === null ? 1 : LEVEL_RANK[l]);

/** A level word as printers spell it (`ERR`, `Warning`, `crit`, klog's `E`). */
export function levelOf(word: string): Level | null {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (/^(fatal|panic|crit|critical|emerg|emergency|alert|severe|f)$/.test(w)) return 'fatal';
  if (/^(error|err|eror|e)$/.test(w)) return 'error';
  if (/^(warn|warning|wrn|w)$/.test(w)) return 'warn';
  if (/^(info|inf|notice|i)$/.test(w)) return 'info';
  if (/^(debug|dbg|trace|trc|d)$/.test(w)) return 'debug';
  return null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A timestamp in the forms logs print it; a form without a year takes `year`. */
export function parseTime(text: string, year = new Date().getUTCFullYear()): number | undefined {
  let m = /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|[+-]\d{2}:?\d{2})?/.exec(text);
  if (m) {
    const frac = m[7] ? `.${m[7].slice(0, 3)}` : '';
    const zone = !m[8] || m[8] === 'Z' ? 'Z' : m[8].includes(':') ? m[8] : `${m[8].slice(0, 3)}:${m[8].slice(3)}`;
    const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${frac}${zone}`);
    return Number.isNaN(t) ? undefined : t;
  }
  m = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (m && MONTHS.includes(m[1]!.toLowerCase())) return Date.UTC(year, MONTHS.indexOf(m[1]!.toLowerCase()), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  m = /^(\d{2})(\d{2})\s+(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (m) return Date.UTC(year, Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

const PREFIX = /^\[pod\/([^/\]\s]+)\/([^\]\s]+)\]\s*/;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))\s+/;
/** A leading RFC 3339 timestamp and the one space after it (a tab after that starts a stack frame). */
const TIMESTAMP_ONLY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})(?: |$)/;
const STAMP = /^\[?(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s+/;
const KLOG = /^([IWEF])(\d{4} \d{2}:\d{2}:\d{2})\.\d+\s+\d+\s+[\w.-]+:\d+\]\s?(.*)$/;
const SYSLOG = /^([A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s+(\S+)\s+([\w@.:/-]+?)(?:\[\d+\])?:\s(.*)$/;
/** journalctl's short-iso after its timestamp: `host proc[pid]: message`. */
const HOST_PROC = /^(\S+)\s+([\w@.:/-]+?)\[\d+\]:\s(.*)$/;
const CEPH = /^(?:debug\s+)?\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})\s+[0-9a-f]{6,}\s+(-?\d+)\s+(.*)$/;
const CEPH_CHANNEL = /^log_channel\(\w+\)\s+log\s+\[(\w+)\]\s*:\s*/;
// Upper case, or in brackets: `Error from server (NotFound)` is a message, not a level.
const LEVEL_WORD = /^(?:\[(fatal|panic|critical|crit|error|err|warning|warn|notice|info|debug|trace)\]|(FATAL|PANIC|CRITICAL|CRIT|SEVERE|ERROR|ERR|WARNING|WARN|NOTICE|INFO|DEBUG|TRACE))(?=[:\s]|$):?\s*/i;
const UPPER_LEVEL = /(?:^|[\s:[])(FATAL|PANIC|CRITICAL|ERROR|WARNING|WARN)(?=[\s:\]]|$)/;
const LOGFMT_PAIR = /(?:^|\s)([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
/** Keys of a structured line that say when, where in the code, or how long: not what happened. */
const NOISE_KEYS = new Set(['ts', 'time', 'timestamp', 't', 'caller', 'source', 'level', 'lvl', 'severity', 'msg', 'message', 'err', 'error', 'logger', 'component', 'duration', 'duration_seconds', 'took', 'stacktrace', 'file', 'line', 'func', 'thread', 'pid']);
const FIELD_CHARS = 80;
const INFERRED_FATAL = /\b(fatal|panic|panicked|segmentation fault|core dumped)\b/i;
const INFERRED_ERROR = /\b(error|errors|failed|failure|exception|refused|denied|cannot|can't|could not|unable to|no such|not found|timed out|unhealthy|killed|oomkilled|crashloopbackoff|backoff)\b/i;

function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  try {
    return JSON.parse(v) as string;
  } catch {
    return v.slice(1, -1);
  }
}

function clipField(v: string, max = FIELD_CHARS): string {
  const flat = v.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** msg, then err, then up to three other fields that are not noise (`receiver=team-shop`). */
/** A Go source location a bridged logger puts in front of the message (`pkg/…/reflector.go:243: `): where, like `caller`. */
const GO_CALLER = /^[\w.@/-]+\.go:\d+:\s+/;

function structuredMessage(fields: Readonly<Record<string, string>>, lead = ''): string {
  const msg = (fields.msg ?? fields.message ?? (lead.replace(/["\s]+$/, '') || undefined))?.replace(GO_CALLER, '');
  const err = fields.err ?? fields.error;
  const others = Object.entries(fields)
    .filter(([k, v]) => !NOISE_KEYS.has(k.toLowerCase()) && v !== '' && !/^(request|response|rule|aggrgroup)$/i.test(k))
    .slice(0, 3)
    .map(([k, v]) => `${k}=${clipField(v)}`);
  const head = [msg, err !== undefined && err !== '' ? `err="${err}"` : undefined].filter(Boolean).join(' ');
  return [head, ...others].filter(Boolean).join(' ');
}

function parseStructured(body: string): { fields: Record<string, string>; lead: string } | null {
  if (body.startsWith('{')) {
    try {
      const obj = JSON.parse(body) as Record<string, unknown>;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries(obj)) if (v !== null && typeof v !== 'object') fields[k] = String(v);
        return { fields, lead: '' };
      }
    } catch {
      /* not JSON */
    }
  }
  const pairs = [...body.matchAll(LOGFMT_PAIR)];
  if (pairs.length < 3) return null;
  // logfmt is pairs from the first one to the end; `[Fetcher id=0, leader=2] Connection to node 2 …` is prose.
  if (body.slice(pairs[0]!.index ?? 0).replace(LOGFMT_PAIR, '').trim() !== '') return null;
  const fields: Record<string, string> = {};
  for (const p of pairs) if (!(p[1]! in fields)) fields[p[1]!] = unquote(p[2]!);
  return { fields, lead: body.slice(0, pairs[0]!.index ?? 0).trim() };
}

/** One line of a log, read. `countPrefix`: the command ran `uniq -c`, so a leading number is a count. */
export function parseLogLine(raw: string, options: { year?: number; countPrefix?: boolean } = {}): LogLine {
  let body = raw.trim();
  let pod: string | undefined;
  let container: string | undefined;
  let at: number | undefined;
  let count: number | undefined;
  let level: Level | null = null;
  let explicit = false;
  if (options.countPrefix) {
    const c = /^(\d+)\s+(?=\S)/.exec(body);
    if (c) [count, body] = [Number(c[1]), body.slice(c[0].length)];
  }
  const p = PREFIX.exec(body);
  if (p) [pod, container, body] = [p[1], p[2], body.slice(p[0].length)];
  const ts = RFC3339.exec(body);
  if (ts) [at, body] = [parseTime(ts[1]!, options.year), body.slice(ts[0].length)];
  const setLevel = (l: Level | null) => {
    if (l !== null && !explicit) [level, explicit] = [l, true];
  };

  const klog = KLOG.exec(body);
  const ceph = CEPH.exec(body);
  const sys = SYSLOG.exec(body);
  if (klog) {
    setLevel(levelOf(klog[1]!));
    at ??= parseTime(klog[2]!, options.year);
    body = klog[3]!;
  } else if (ceph) {
    at ??= parseTime(body.replace(/^debug\s+/, ''), options.year);
    const prio = Number(ceph[1]);
    body = ceph[2]!;
    const channel = CEPH_CHANNEL.exec(body);
    if (channel) {
      setLevel(levelOf(channel[1]!));
      body = body.slice(channel[0].length);
    } else setLevel(prio < 0 ? 'error' : prio === 0 ? 'info' : 'debug');
  } else if (sys && levelOf(sys[2]!) === null) {
    at ??= parseTime(sys[1]!, options.year);
    body = journalBody(sys[3]!, sys[4]!, setLevel);
  } else if (ts && HOST_PROC.test(body)) {
    const hp = HOST_PROC.exec(body)!;
    body = journalBody(hp[2]!, hp[3]!, setLevel);
  } else {
    const stamp = STAMP.exec(body);
    if (stamp) {
      at ??= parseTime(stamp[1]!, options.year);
      body = body.slice(stamp[0].length);
    }
  }
  const word = LEVEL_WORD.exec(body);
  if (word && !explicit && (word[1] !== undefined || word[2] === word[2]!.toUpperCase())) {
    setLevel(levelOf((word[1] ?? word[2])!));
    body = body.slice(word[0].length);
  }

  let message = body;
  const structured = parseStructured(body);
  if (structured) {
    const f = structured.fields;
    const lv = f.level ?? f.lvl ?? f.severity;
    if (lv !== undefined) setLevel(levelOf(lv));
    const when = f.ts ?? f.time ?? f.timestamp;
    if (when !== undefined) at ??= parseTime(when, options.year);
    message = structuredMessage(f, structured.lead);
  }
  if (!explicit) {
    if (/^panic:/.test(body)) setLevel('fatal');
    else {
      const upper = UPPER_LEVEL.exec(body.slice(0, 80));
      if (upper) setLevel(levelOf(upper[1]!));
    }
  }
  if (!explicit) level = INFERRED_FATAL.test(message) ? 'fatal' : INFERRED_ERROR.test(message) ? 'error' : null;
  return { raw, level, explicit, message: message.trim(), ...(pod ? { pod } : {}), ...(container ? { container } : {}), ...(at !== undefined ? { at } : {}), ...(count !== undefined ? { count } : {}) };
}

/**
 * `proc: message` of a journal line. A Kubernetes component run by systemd (kubelet, crio) writes klog lines, so
 * the message's own `I1124 …]` prefix carries the level (`oc adm node-logs`, `journalctl -u kubelet`).
 */
function journalBody(proc: string, message: string, setLevel: (l: Level | null) => void): string {
  const klog = KLOG.exec(message);
  if (!klog) return `${proc}: ${message}`;
  setLevel(levelOf(klog[1]!));
  return `${proc}: ${klog[3]}`;
}

/** Lines that only continue the one before: stack frames and tracebacks. */
function isContinuation(line: string): boolean {
  return /^\s+(at |\S+\.go:\d+|File ")|^\t|^goroutine \d+ \[|^\S+\(.*\)$|^\s*\.\.\. \d+ more|^Traceback \(most recent/.test(line);
}

/** Roughly: does this text hold log lines (timestamps, levels or structured fields on most lines)? */
export function looksLikeLog(lines: readonly string[]): boolean {
  const content = lines.filter((l) => l.trim() !== '' && !isContinuation(l));
  if (content.length === 0) return false;
  const logged = content.filter((l) => {
    const t = l.trim();
    return PREFIX.test(t) || RFC3339.test(t) || STAMP.test(t) || KLOG.test(t) || SYSLOG.test(t) || CEPH.test(t) || LEVEL_WORD.test(t) || /^panic:/.test(t) || (parseStructured(t) !== null && /(^|\s)(level|lvl|msg|err|error|ts|time)=|"(level|msg)":/.test(t));
  });
  return logged.length * 2 >= content.length;
}

export interface DigestEntry {
  readonly level: Level | null;
  readonly message: string;
  readonly container?: string;
  readonly count: number;
  readonly first: LogLine;
  readonly lastIndex: number;
}

/** The same message with numbers, hex ids and durations masked: repeats of one event group together. */
function shape(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\d+(\.\d+)?/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export function digest(lines: readonly string[], options: { year?: number; countPrefix?: boolean } = {}): DigestEntry[] {
  const groups = new Map<string, { level: Level | null; message: string; container?: string; count: number; first: LogLine; lastIndex: number }>();
  lines.forEach((raw, index) => {
    if (raw.trim() === '' || isContinuation(raw)) return;
    // The same behind `kubectl logs --prefix --timestamps`: a stack frame or a blank line of the program.
    const body = raw.replace(PREFIX, '').replace(TIMESTAMP_ONLY, '');
    if (body !== raw && (body.trim() === '' || isContinuation(body))) return;
    const line = parseLogLine(raw, options);
    if (line.message === '') return;
    const key = `${line.container ?? ''}\u0000${shape(line.message)}`;
    const g = groups.get(key);
    if (g) {
      g.count += line.count ?? 1;
      g.lastIndex = index;
      if (levelRank(line.level) > levelRank(g.level)) g.level = line.level;
    } else groups.set(key, { level: line.level, message: line.message, ...(line.container ? { container: line.container } : {}), count: line.count ?? 1, first: line, lastIndex: index });
  });
  return [...groups.values()];
}

/**
 * What a log shows, most important first: every fatal and error message (up to `max`), then warnings, then the
 * rest while there is room, in the order they were logged within a level. The last message is kept when there is
 * room: what the program did last.
 */
export function logFacts(lines: readonly string[], options: { year?: number; countPrefix?: boolean; max?: number } = {}): string[] {
  const max = options.max ?? 6;
  const entries = digest(lines, options);
  if (entries.length === 0) return [];
  const containers = new Set(entries.map((e) => e.container).filter(Boolean));
  const ranked = [...entries].sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.lastIndex - b.lastIndex);
  let chosen = ranked.slice(0, max);
  const last = entries.reduce((a, b) => (b.lastIndex > a.lastIndex ? b : a));
  if (!chosen.includes(last) && chosen.length === max && levelRank(last.level) >= levelRank(chosen.at(-1)!.level)) chosen = [...chosen.slice(0, -1), last];
  return chosen.map((e) => {
    // Only a level the line printed is repeated; an inferred one would put words in the program's mouth.
    const level = e.level && e.first.explicit ? `${e.level.toUpperCase()} ` : '';
    const where = containers.size > 1 && e.container ? `[${e.container}] ` : '';
    return `${level}${where}${e.message}${e.count > 1 ? ` (×${e.count})` : ''}`;
  });
}
