// Tables the diagnostics print, read into rows of named cells: the column-aligned tables of kubectl/oc get, top and
// events (left-aligned cells under an upper-case header, written by Go's tabwriter), and the bordered tables of
// `etcdctl -w table` (`| ENDPOINT | … |` between `+---+` rules). Then said in a few words: a short table row by row,
// a long one column by column (`STATUS: Running ×4, Pending ×2 (osd-1, osd-4)`).

export interface Table {
  readonly columns: string[];
  readonly rows: Array<Record<string, string>>;
  /** Index of the header line in the lines given. */
  readonly at: number;
  /** Index just past the last row. */
  readonly end: number;
}

/** An upper-case column name; a unit in brackets may be lower case (`CPU(cores)`, `MEMORY(bytes)`). */
const HEADER_CELL = /^[A-Z][A-Z0-9_%/.+-]*(?:\([A-Za-z]+\))?(?: [A-Z][A-Z0-9_%/.+-]*(?:\([A-Za-z]+\))?)*$/;

/** Header cells: runs of upper-case words separated by two spaces or more (`NOMINATED NODE` is one). */
function headerCells(line: string): Array<{ name: string; start: number }> | null {
  const cells: Array<{ name: string; start: number }> = [];
  const re = /\S+(?: \S+)*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    if (!HEADER_CELL.test(m[0])) return null;
    cells.push({ name: m[0], start: m.index });
  }
  return cells.length >= 2 ? cells : null;
}

function alignedTable(lines: readonly string[], at: number): Table | null {
  const header = headerCells(lines[at]!);
  if (!header) return null;
  const rows: Array<Record<string, string>> = [];
  let i = at + 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || /^-+(\s+-+)*\s*$/.test(line.trim())) {
      if (rows.length > 0 || line.trim() === '') break;
      continue;
    }
    if (headerCells(line)) break;
    // Cells apart by two spaces or more, one per column: right-aligned numbers read as well as left-aligned text.
    const split = line.trim().split(/\s{2,}/);
    if (split.length === header.length) {
      rows.push(Object.fromEntries(header.map((h, k) => [h.name, split[k]!])));
      continue;
    }
    // Else each word goes to the last column that starts at or before it (two characters of slack for hand-aligned text).
    const row: Record<string, string> = {};
    const words = /\S+/g;
    let w: RegExpExecArray | null;
    while ((w = words.exec(line)) !== null) {
      let col = 0;
      for (let c = 0; c < header.length; c++) if (header[c]!.start <= w.index + 2) col = c;
      const name = header[col]!.name;
      row[name] = row[name] ? `${row[name]} ${w[0]}` : w[0];
    }
    rows.push(row);
  }
  if (rows.length === 0) return null;
  return { columns: header.map((h) => h.name), rows, at, end: i };
}

const RULE = /^\s*\+[-+=]+\+\s*$/;

function borderedTable(lines: readonly string[], at: number): Table | null {
  const cells = (line: string) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  let i = at;
  while (i < lines.length && RULE.test(lines[i]!)) i++;
  if (i >= lines.length || !lines[i]!.trim().startsWith('|')) return null;
  const columns = cells(lines[i]!);
  const rows: Array<Record<string, string>> = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (RULE.test(line)) continue;
    if (!line.trim().startsWith('|')) break;
    const values = cells(line);
    rows.push(Object.fromEntries(columns.map((c, k) => [c, values[k] ?? ''])));
  }
  if (columns.length < 2 || rows.length === 0) return null;
  return { columns, rows, at, end: i };
}

/** Every table in the text, in order. */
export function findTables(lines: readonly string[]): Table[] {
  const out: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = RULE.test(lines[i]!) ? borderedTable(lines, i) : alignedTable(lines, i);
    if (t) {
      out.push(t);
      i = t.end - 1;
    }
  }
  return out;
}

const EMPTY = new Set(['', '<none>', '<unset>', '<unknown>', '-', 'none']);
/** Columns that identify or locate rather than describe (said only when they tell rows apart in a short table). */
const QUIET = /^(AGE|IP|INTERNAL-IP|EXTERNAL-IP|NOMINATED NODE|READINESS GATES|OS-IMAGE|KERNEL-VERSION|CONTAINER-RUNTIME|ID|UID|CREATED|LAST SEEN|FIRST SEEN|SELECTOR|CONTAINERS|IMAGES|RAFT TERM|RAFT INDEX|RAFT APPLIED INDEX|VOLUMEATTRIBUTESCLASS|STORAGECLASS|ACCESS MODES|PORT\(S\)|CLUSTER-IP|EXTERNAL IP)$/;

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** The column that names a row: NAME, else ENDPOINT, else the first. */
function keyColumn(t: Table): string {
  return t.columns.find((c) => c === 'NAME') ?? t.columns.find((c) => /^(ENDPOINT|OBJECT|MOUNTED ON|FILESYSTEM)$/.test(c)) ?? t.columns[0]!;
}

const percent = (v: string) => (/^\d+(\.\d+)?%$/.test(v) ? Number(v.slice(0, -1)) : null);

/**
 * A table in a few facts. Up to `rowsInFull` rows: each row with its cells (`name: STATUS=NotReady, VERSION=v1`).
 * Longer: per column, the values and how many rows have each, naming the rows of a minority value; percentage
 * columns by their highest rows.
 */
export function tableFacts(t: Table, rowsInFull = 3): string[] {
  const key = keyColumn(t);
  if (t.rows.length <= rowsInFull) {
    return t.rows.map((r) => {
      const cells = t.columns.filter((c) => c !== key && !QUIET.test(c) && !EMPTY.has((r[c] ?? '').toLowerCase())).map((c) => `${c}=${clip(r[c]!, 200)}`);
      return clip(`${clip(r[key] ?? '', 80)}: ${cells.join(', ')}`, 400);
    });
  }
  const facts: string[] = [];
  for (const c of t.columns) {
    if (c === key || QUIET.test(c)) continue;
    const values = t.rows.map((r) => r[c] ?? '');
    const pct = values.map(percent);
    if (pct.every((p) => p !== null)) {
      const top = t.rows.map((r, i) => [r[key] ?? '', pct[i]!] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
      facts.push(`${c} highest: ${top.map(([n, p]) => `${clip(n, 60)} ${p}%`).join(', ')}`);
      continue;
    }
    const counts = new Map<string, string[]>();
    values.forEach((v, i) => counts.set(v, [...(counts.get(v) ?? []), t.rows[i]![key] ?? '']));
    if (counts.size > 4 || (counts.size === t.rows.length && t.rows.length > 1)) continue;
    const parts = [...counts.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([v, names]) => `${clip(v === '' ? '(empty)' : v, 120)} ×${names.length}${counts.size > 1 && names.length <= 3 && names.length < t.rows.length / 2 ? ` (${names.map((n) => clip(n, 60)).join(', ')})` : ''}`);
    facts.push(`${c}: ${parts.join(', ')}`);
  }
  return facts;
}
