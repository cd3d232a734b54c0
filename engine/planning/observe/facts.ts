// What an output shows, in a few short facts, for the output shapes the diagnostics print (each documented by its
// tool): `kubectl describe` (Status, Reason, Message, each container's State / Last State / Exit Code / Restart
// Count, conditions that are not as they should be, Warning events), Kubernetes objects as YAML or JSON
// (status.phase, conditions, container states), tables (kubectl get/top/events, `etcdctl -w table`), `df`,
// `free`, `du`, /proc/mdstat, `ceph status` / `ceph health`, `systemctl status`, and logs (journal lines, pod
// logs, logfmt, JSON). The incident summary states these instead of the first two lines of the output, each
// citing the tool call it came from. Facts are the output's own words, shortened; nothing is inferred.
import { logFacts, looksLikeLog } from './logs';
import { findTables, tableFacts, type Table } from './tables';

/** Facts per output, and characters per fact (a longer one keeps its start and its end: errors end with their cause). */
export const MAX_FACTS = 8;
export const FACT_CHARS = 300;

/** Keep the start and the end of a long text: wrapped errors (`a: b: c`) put the root cause last. */
export function clipMiddle(text: string, max = FACT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const head = Math.floor(max * 0.4);
  return `${flat.slice(0, head).trimEnd()} … ${flat.slice(flat.length - (max - head - 3)).trimStart()}`;
}

/** Lines `oc debug` and `kubectl` print about themselves, not about what was asked. */
const CHATTER = [
  /^Starting pod\/\S+ \.\.\.$/,
  /^To use host binaries, run `chroot \/host`/,
  /^Removing debug pod \.\.\./,
  /^Unable to use a TTY - input is not a terminal/,
  /^If you don't see a command prompt, try pressing enter\./,
  /^Defaulted container "[^"]*" out of: /,
  /^Pod IP: \S+$/,
  /^Found \d+ pods, using pod\/\S+$/,
  /^\[stderr\]$/,
];

export function withoutChatter(text: string): string[] {
  return text.split('\n').filter((l) => !CHATTER.some((re) => re.test(l.trim())));
}

const isAbsent = (v: string | undefined) => v === undefined || /^(<none>|<unset>|<nil>|none|)$/i.test(v.trim());

// ---------------------------------------------------------------- kubectl describe

/** Condition types where True is the healthy state (Kubernetes API conventions; Ready, Available, …). */
const POSITIVE_CONDITIONS = /^(Ready|ContainersReady|Initialized|PodScheduled|PodReadyToStartContainers|Available|Progressing|Complete|Bound|Established|NamesAccepted|Upgradeable|Succeeded|Synced|Healthy)$/;
/** Condition types where True is a problem. */
const NEGATIVE_CONDITIONS = /(Pressure|Unavailable|Degraded|Failing|Failed|Failure|Stalled|Unhealthy|Error)$/;

function conditionIsOff(type: string, status: string): boolean {
  const s = status.trim().toLowerCase();
  if (POSITIVE_CONDITIONS.test(type)) return s !== 'true';
  if (NEGATIVE_CONDITIONS.test(type)) return s === 'true';
  return s === 'unknown';
}

interface DescribeLine {
  readonly indent: number;
  readonly key: string | null;
  readonly value: string;
  readonly raw: string;
}

function describeLines(lines: readonly string[]): DescribeLine[] {
  return lines.map((raw) => {
    const indent = raw.length - raw.trimStart().length;
    const m = /^\s*([A-Za-z][\w .()/-]*?):(?:\s+(.*))?$/.exec(raw);
    return m ? { indent, key: m[1]!, value: (m[2] ?? '').trim(), raw } : { indent, key: null, value: raw.trim(), raw };
  });
}

export function isDescribe(lines: readonly string[]): boolean {
  return lines.some((l) => /^Name:\s+\S/.test(l)) && lines.some((l) => /^(Namespace|Status|Events|Labels|Roles|Conditions|Annotations|Selector|Replicas|StorageClass|CreationTimestamp):/.test(l));
}

function describeFacts(lines: readonly string[]): string[] {
  const facts: string[] = [];
  const parsed = describeLines(lines);
  const top = (key: string) => parsed.find((l) => l.indent === 0 && l.key === key);
  for (const key of ['Status', 'Reason', 'Message', 'Replicas', 'Pods Status', 'Unschedulable', 'Taints']) {
    const l = top(key);
    if (!l || isAbsent(l.value) || (key === 'Unschedulable' && l.value === 'false')) continue;
    facts.push(`${key}: ${clipMiddle(l.value)}`);
  }
  // Containers: each one's state, last state, exit code, readiness and restarts.
  let container: string | null = null;
  let section: string | null = null;
  let containerIndent = -1;
  let block: string[] = [];
  let image: string | null = null;
  const flush = () => {
    // The image is said when it is what fails (a pull error): which tag the node could not get.
    if (image !== null && block.some((b) => /ImagePull|ErrImage|InvalidImageName/.test(b))) block.push(`Image ${image}`);
    if (container !== null && block.length > 0) facts.push(`container ${container}: ${block.join(', ')}`);
    block = [];
    image = null;
  };
  for (let i = 0; i < parsed.length; i++) {
    const l = parsed[i]!;
    if (l.indent === 0) {
      flush();
      container = null;
      section = l.key;
      continue;
    }
    if ((section === 'Containers' || section === 'Init Containers') && l.key !== null && l.value === '' && (containerIndent < 0 || l.indent <= containerIndent)) {
      flush();
      container = l.key;
      containerIndent = l.indent;
      continue;
    }
    if (container === null || l.key === null) continue;
    if (l.key === 'State' || l.key === 'Last State') {
      const parts = [l.value];
      for (let j = i + 1; j < parsed.length && parsed[j]!.indent > l.indent; j++) {
        const sub = parsed[j]!;
        if (sub.key === 'Reason' || sub.key === 'Exit Code' || sub.key === 'Message' || sub.key === 'Signal') parts.push(`${sub.key} ${clipMiddle(sub.value, 160)}`);
      }
      if (!(l.key === 'State' && l.value === 'Running' && parts.length === 1)) block.push(`${l.key} ${parts.join(', ')}`);
    } else if (l.key === 'Ready' && l.value === 'False') block.push('Ready False');
    else if (l.key === 'Restart Count' && l.value !== '0') block.push(`Restart Count ${l.value}`);
    else if (l.key === 'Image') image = l.value;
  }
  flush();
  // Conditions (a table under `Conditions:`): those not as they should be, with their reason and message.
  const ci = lines.findIndex((l) => /^Conditions:\s*$/.test(l));
  if (ci >= 0) facts.push(...titleCaseConditions(lines.slice(ci + 1, ci + 40)));
  // Events: the warnings (`Warning  Failed  7m (x9 over 9m)  kubelet  Error: …`).
  const ei = lines.findIndex((l) => /^Events:\s*$/.test(l));
  if (ei >= 0) facts.push(...eventFacts(lines.slice(ei + 1)));
  return facts;
}

/** `Type  Status  LastHeartbeatTime  LastTransitionTime  Reason  Message` rows of describe node/pod. */
function titleCaseConditions(lines: readonly string[]): string[] {
  const header = lines.findIndex((l) => /^\s*Type\s{2,}Status\b/.test(l));
  if (header < 0) return [];
  const out: string[] = [];
  // The columns by name: describe node has Reason and Message, describe deployment and job only Reason.
  const columns = lines[header]!.trim().split(/\s{2,}/);
  const reasonAt = columns.indexOf('Reason');
  const messageAt = columns.indexOf('Message');
  for (const line of lines.slice(header + 1)) {
    const t = line.trim();
    if (t === '' || /^[A-Z][\w ]*:/.test(line)) break;
    if (/^-+(\s+-+)*$/.test(t)) continue;
    const cells = t.split(/\s{2,}/);
    const [type, status] = [cells[0] ?? '', (cells[1] ?? '').split(/\s+/)[0] ?? ''];
    if (!conditionIsOff(type, status)) continue;
    // Reason and Message are the last columns; a message may hold double spaces, so it takes what is left.
    const aligned = cells.length >= columns.length;
    const reason = reasonAt >= 0 && aligned ? cells[reasonAt] : undefined;
    const message = messageAt >= 0 && aligned ? cells.slice(messageAt).join('  ') : undefined;
    out.push(clipMiddle(`condition ${type}=${status}${reason ? ` (${reason})` : ''}${message ? `: ${message}` : ''}`));
  }
  return out;
}

/** Warning events of a describe's Events table, grouped by reason and message. */
function eventFacts(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\s*(Warning|Normal)\s{1,}(\S+)\s{2,}(.+?)\s{2,}(\S.*?)\s{2,}(.*)$/.exec(line);
    if (!m || m[1] !== 'Warning') continue;
    const age = m[3]!.trim();
    const repeat = /\(x\d+ over [^)]+\)/.exec(age)?.[0];
    const text = clipMiddle(`event Warning ${m[2]}${repeat ? ` ${repeat}` : ''}: ${m[5]!.trim()}`);
    if (!out.includes(text)) out.push(text);
  }
  return out.slice(0, 4);
}

// ---------------------------------------------------------------- Kubernetes objects as YAML or JSON

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function yamlScalar(v: string): string {
  const t = v.trim();
  if ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))) {
    if (t.startsWith('"')) {
      try {
        return JSON.parse(t) as string;
      } catch {
        /* fall through */
      }
    }
    return t.slice(1, -1).replace(/''/g, "'");
  }
  return t;
}

/** The items of the first `conditions:` list of YAML text: type, status, reason, message. */
function yamlConditions(lines: readonly string[]): Condition[] {
  const at = lines.findIndex((l) => /^\s*conditions:\s*$/.test(l));
  if (at < 0) return [];
  const base = lines[at]!.length - lines[at]!.trimStart().length;
  const out: Condition[] = [];
  let item: Record<string, string> | null = null;
  for (const line of lines.slice(at + 1)) {
    const indent = line.length - line.trimStart().length;
    const t = line.trim();
    if (t === '') continue;
    if (indent < base || (indent === base && !t.startsWith('- '))) break;
    const m = /^(?:- )?([\w.-]+):\s*(.*)$/.exec(t);
    if (t.startsWith('- ')) {
      if (item) out.push(item as unknown as Condition);
      item = {};
    }
    if (m && item) item[m[1]!] = yamlScalar(m[2]!);
  }
  if (item) out.push(item as unknown as Condition);
  return out.filter((c) => typeof c.type === 'string' && typeof c.status === 'string');
}

function conditionFact(c: Condition): string {
  return clipMiddle(`condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
}

function isObjectYaml(lines: readonly string[]): boolean {
  return lines.some((l) => /^kind:\s*\S/.test(l)) && lines.some((l) => /^(status|spec|metadata):\s*$/.test(l));
}

function objectYamlFacts(lines: readonly string[]): string[] {
  const facts: string[] = [];
  const phase = lines.map((l) => /^\s{2}phase:\s*(\S+)/.exec(l)).find(Boolean);
  if (phase) facts.push(`phase: ${yamlScalar(phase[1]!)}`);
  for (const c of yamlConditions(lines)) if (conditionIsOff(c.type, c.status)) facts.push(conditionFact(c));
  const reasons = lines.map((l) => /^\s+reason:\s*(\S.*)$/.exec(l)?.[1]).filter((r): r is string => r !== undefined && /BackOff|Err|Error|OOMKilled|Failed|Evicted|Invalid|Unschedulable/.test(r));
  for (const r of new Set(reasons.map(yamlScalar))) if (!facts.some((f) => f.includes(r))) facts.push(`reason: ${r}`);
  const taint = lines.findIndex((l) => /^\s+taints:\s*$/.test(l));
  if (taint >= 0) {
    const keys = lines.slice(taint + 1, taint + 20).map((l) => /^\s+(?:- )?key:\s*(\S+)/.exec(l)?.[1]).filter(Boolean);
    if (keys.length) facts.push(`taints: ${keys.join(', ')}`);
  }
  return facts;
}

function jsonObjectFacts(text: string): string[] | null {
  const t = text.trim();
  if (!t.startsWith('{')) return null;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(t) as Record<string, unknown>;
  } catch {
    return null;
  }
  const status = obj.status as Record<string, unknown> | undefined;
  if (typeof obj.kind !== 'string' || !status || typeof status !== 'object') return null;
  const facts: string[] = [];
  if (typeof status.phase === 'string') facts.push(`phase: ${status.phase}`);
  for (const c of Array.isArray(status.conditions) ? (status.conditions as Condition[]) : []) if (typeof c?.type === 'string' && conditionIsOff(c.type, String(c.status))) facts.push(conditionFact(c));
  for (const cs of [...((status.containerStatuses as unknown[]) ?? []), ...((status.initContainerStatuses as unknown[]) ?? [])] as Array<Record<string, any>>) {
    const waiting = cs?.state?.waiting;
    const last = cs?.lastState?.terminated;
    const parts = [
      waiting?.reason ? `waiting ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` : '',
      last?.reason ? `last terminated ${last.reason} (exit ${last.exitCode})` : '',
      cs?.restartCount ? `restarts ${cs.restartCount}` : '',
    ].filter(Boolean);
    if (parts.length) facts.push(clipMiddle(`container ${cs.name}: ${parts.join(', ')}`));
  }
  return facts;
}

// ---------------------------------------------------------------- host tools

/** `df` (also -h, -i, -T): the filesystems, fullest first. */
function dfFacts(lines: readonly string[]): string[] | null {
  const at = lines.findIndex((l) => /^Filesystem\s+(Type\s+)?(Size|1K-blocks|1M-blocks|Inodes|1024-blocks|512-blocks)\b/.test(l));
  if (at < 0) return null;
  const header = lines[at]!.replace('Mounted on', 'Mounted_on').trim().split(/\s+/);
  const use = header.findIndex((h) => /^I?Use%$|^Capacity$/.test(h));
  const rows = lines.slice(at + 1).map((l) => l.trim().split(/\s+/)).filter((r) => r.length >= header.length && r.length <= header.length + 1);
  if (use < 0 || rows.length === 0) return null;
  const sizeCols = header.slice(1, use).map((h, i) => [h, i + 1] as const).filter(([h]) => h !== 'Type');
  return rows
    .map((r) => ({ r, pct: Number((r[use] ?? '').replace('%', '')) }))
    .sort((a, b) => b.pct - a.pct)
    .slice(0, 4)
    .map(({ r }) => `${r.at(-1)} (${r[0]}): ${header[use]} ${r[use]}, ${sizeCols.map(([h, i]) => `${h} ${r[i]}`).join(', ')}`);
}

/** `free` (-h, -m, -g): memory and swap, total / used / available. */
function freeFacts(lines: readonly string[]): string[] | null {
  const at = lines.findIndex((l) => /^\s+total\s+used\s+free\b/.test(l));
  if (at < 0) return null;
  const header = lines[at]!.trim().split(/\s+/);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^(\S+):\s+(.*)$/.exec(l.trim());
    if (!m) continue;
    const values = m[2]!.split(/\s+/);
    out.push(`${m[1]} ${header.map((h, i) => (values[i] !== undefined ? `${h} ${values[i]}` : '')).filter(Boolean).join(', ')}`);
  }
  return out.length ? out : null;
}

const SIZE = /^(\d+(?:[.,]\d+)?)([KMGTPE]?)i?B?$/i;
const bytes = (v: string): number => {
  const m = SIZE.exec(v);
  if (!m) return Number.NaN;
  return Number(m[1]!.replace(',', '.')) * 1024 ** ' KMGTPE'.indexOf((m[2] || ' ').toUpperCase());
};

/** `du` (`SIZE<tab>PATH` lines): the largest entries. */
function duFacts(lines: readonly string[], what: string): string[] | null {
  if (!/\bdu\b/.test(what)) return null;
  const rows = lines.map((l) => /^(\d+(?:[.,]\d+)?[KMGTPE]?i?B?)\s+(\S.*)$/i.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null);
  if (rows.length === 0 || rows.length * 2 < lines.filter((l) => l.trim()).length) return null;
  return [`largest: ${[...rows].sort((a, b) => bytes(b[1]!) - bytes(a[1]!)).slice(0, 5).map((m) => `${m[2]} ${m[1]}`).join(', ')}`];
}

/** /proc/mdstat: each array, its members (F = failed) and its `[n/m] [U_]` status. */
function mdstatFacts(lines: readonly string[]): string[] | null {
  if (!lines.some((l) => /^Personalities\s*:/.test(l)) && !lines.some((l) => /^md\d+\s*:/.test(l))) return null;
  const out: string[] = [];
  lines.forEach((l, i) => {
    const m = /^(md\d+)\s*:\s*(.*)$/.exec(l);
    if (!m) return;
    const status = /\[\d+\/\d+\]\s*\[[U_]+\]/.exec(lines[i + 1] ?? '')?.[0];
    out.push(`${m[1]}: ${m[2]!.trim()}${status ? `, ${status}` : ''}${/\[[U]*_[U_]*\]/.test(status ?? '') ? ' (degraded)' : ''}${/\(F\)/.test(m[2]!) ? ', a member is marked failed (F)' : ''}`);
    const recovery = /(recovery|resync|reshape)\s*=\s*[\d.]+%.*$/.exec(lines[i + 2] ?? '');
    if (recovery) out.push(`${m[1]}: ${recovery[0].trim()}`);
  });
  if (out.length === 0) return lines.some((l) => /^Personalities\s*:\s*$/.test(l.trim()) || /^Personalities\s*:/.test(l)) ? ['no md arrays (Personalities empty, no mdN lines)'] : null;
  return out;
}

/** `ceph status` / `ceph -s` / `ceph health [detail]`: the health, its checks, and the osd / pg lines. */
function cephFacts(lines: readonly string[]): string[] | null {
  const h = lines.findIndex((l) => /^\s*health:\s*HEALTH_/.test(l) || /^HEALTH_(OK|WARN|ERR)\b/.test(l.trim()));
  if (h < 0) return null;
  const out: string[] = [lines[h]!.trim()];
  const indent = lines[h]!.length - lines[h]!.trimStart().length;
  for (const l of lines.slice(h + 1)) {
    const i = l.length - l.trimStart().length;
    if (l.trim() === '' || (i <= indent && !/^\s*\[(WRN|ERR)\]/.test(l))) break;
    out.push(l.trim());
  }
  for (const l of lines) if (/^\s*(osd|mon|mgr|mds):\s/.test(l) || /^\s*pgs:\s/.test(l)) out.push(l.trim());
  return out;
}

/** `systemctl status UNIT`: loaded, active, the main process, and the journal lines that follow. */
function systemctlFacts(lines: readonly string[]): string[] | null {
  const missing = lines.find((l) => /^Unit \S+ could not be found\.?$/.test(l.trim()));
  if (missing) return [missing.trim()];
  const active = lines.findIndex((l) => /^\s*Active:\s/.test(l));
  if (active < 0) return null;
  const out: string[] = [];
  const unit = lines.find((l) => /^\s*[●×○*↻]?\s*\S+\.(service|socket|timer|mount|target|path)\b/.test(l));
  if (unit) out.push(unit.trim().replace(/^[●×○*↻]\s*/, ''));
  for (const key of ['Loaded', 'Active', 'Process', 'Main PID', 'Condition']) {
    const l = lines.find((x) => new RegExp(`^\\s*${key}:\\s`).test(x));
    if (l) out.push(clipMiddle(l.trim(), 200));
  }
  // The journal excerpt after the first blank line.
  const blank = lines.findIndex((l, i) => i > active && l.trim() === '');
  if (blank >= 0) out.push(...logFacts(lines.slice(blank + 1), { max: 3 }));
  return out;
}

/** Lines that say something went wrong, when nothing else reads the output. */
const TROUBLE = /\b(error|errors|fail|failed|failure|fatal|panic|denied|refused|not found|unable|cannot|could not|timed? ?out|unhealthy|degraded|no such|invalid|exceeded|killed|evicted|backoff|notready|unreachable|down)\b/i;

function troubleLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const t = l.trim();
    if (t === '' || !TROUBLE.test(t)) continue;
    const c = clipMiddle(t);
    if (!out.includes(c)) out.push(c);
  }
  return out.slice(0, 4);
}

function tablesFacts(tables: readonly Table[]): string[] {
  return tables.flatMap((t) => {
    const cols = new Set(t.columns);
    // An events table: its warnings, with the object each is about.
    if (cols.has('REASON') && cols.has('MESSAGE') && cols.has('TYPE')) {
      const warnings = t.rows.filter((r) => r.TYPE === 'Warning');
      const seen = new Set<string>();
      const out: string[] = [];
      for (const r of warnings) {
        const text = clipMiddle(`event Warning ${r.REASON} ${r.OBJECT ?? ''}${r.NAMESPACE ? ` (namespace ${r.NAMESPACE})` : ''}: ${r.MESSAGE}`);
        const k = `${r.REASON}\u0000${r.OBJECT}`;
        if (!seen.has(k)) [seen.add(k), out.push(text)];
      }
      if (out.length === 0 && t.rows.length > 0) out.push(`${t.rows.length} event(s), none a warning`);
      return out.slice(0, 5);
    }
    return tableFacts(t);
  });
}

/**
 * The facts an output shows. `what` is what ran (the command line): it tells `du` from other `SIZE PATH` output
 * and whether a leading number is a `uniq -c` count.
 */
export function salientFacts(output: string, what = ''): string[] {
  const lines = withoutChatter(output);
  const text = lines.join('\n');
  if (text.trim() === '') return [];
  const found = (() => {
    if (/^\s*No resources found\b/m.test(text) && lines.filter((l) => l.trim()).length <= 2) return [lines.find((l) => /No resources found/.test(l))!.trim()];
    if (isDescribe(lines)) return describeFacts(lines);
    const json = jsonObjectFacts(text);
    if (json) return json;
    if (isObjectYaml(lines)) return objectYamlFacts(lines);
    const shaped = dfFacts(lines) ?? freeFacts(lines) ?? mdstatFacts(lines) ?? cephFacts(lines) ?? systemctlFacts(lines) ?? duFacts(lines, what);
    if (shaped) return shaped;
    const tables = findTables(lines);
    if (tables.length > 0) return [...tablesFacts(tables), ...troubleLines(lines.filter((_, i) => !tables.some((t) => i >= t.at && i < t.end)))];
    if (looksLikeLog(lines)) return logFacts(lines, { countPrefix: /\buniq\s+-c\b/.test(what) });
    return troubleLines(lines);
  })();
  const out: string[] = [];
  for (const f of found) {
    const c = clipMiddle(f);
    if (c !== '' && !out.includes(c)) out.push(c);
  }
  return out.slice(0, MAX_FACTS);
}
