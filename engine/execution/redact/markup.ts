// Secrets in markup that a line-based `name: value` reader cannot see: XML and HTML elements named like secrets
// (`<password>x</password>`, `<db.password><![CDATA[x]]></db.password>`), elements that name a secret in an
// attribute (`<add key="DbPassword" value="x"/>`, `<property name="password">x</property>`), and YAML block
// scalars under a secret name (`password: |` or `token: >-` and the indented lines below). Attributes named like
// secrets (`password="x"`) are `name=value` pairs, which keyValue.ts handles. Both passes only move forward.
import { notSecret } from './keyValue';
import { secretKindOfName } from './names';

const mark = (kind: string): string => `[REDACTED:${kind}]`;

// --- XML / HTML -----------------------------------------------------------------------------------------------------

/** An opening tag: its name and its attributes (up to the `>`). */
const OPEN_TAG = /<([A-Za-z_][\w.:-]{0,100})((?:\s[^<>]{0,4000})?)>/g;
/** The attribute that names what an element holds: `<add key="…">`, `<property name="…">`, `<entry key="…">`. */
const NAME_ATTR = /(?:^|\s)(?:name|key)\s*=\s*(?:"([^"]{0,200})"|'([^']{0,200})')/i;
/** The attribute holding the value when the name is in another one. */
const VALUE_ATTR = /(\s(?:value|content)\s*=\s*)(?:"([^"]*)"|'([^']*)')/i;

interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

export function redactXml(text: string): string {
  if (!text.includes('<')) return text;
  const found: Replacement[] = [];
  // The next `]]>`, found once and reused while it is ahead, so many unclosed CDATA sections stay linear.
  let cdataEnd = -1;
  OPEN_TAG.lastIndex = 0;
  for (let m = OPEN_TAG.exec(text); m; m = OPEN_TAG.exec(text)) {
    const tag = m[1]!;
    const attrs = m[2]!;
    const selfClosing = attrs.trimEnd().endsWith('/');
    const named = NAME_ATTR.exec(attrs);
    const namedKind = named ? secretKindOfName(named[1] ?? named[2] ?? '') : null;
    if (namedKind) {
      const value = VALUE_ATTR.exec(attrs);
      if (value) {
        const inner = value[2] ?? value[3] ?? '';
        const start = m.index + 1 + tag.length + value.index + value[1]!.length + 1;
        if (inner.trim() !== '' && !notSecret(inner.trim())) found.push({ start, end: start + inner.length, kind: namedKind });
        continue;
      }
    }
    const kind = namedKind ?? secretKindOfName(tag.slice(tag.lastIndexOf(':') + 1));
    if (!kind || selfClosing) continue;
    const from = OPEN_TAG.lastIndex;
    let start = from;
    let end: number;
    let after: number;
    if (text.startsWith('<![CDATA[', from)) {
      if (cdataEnd !== Infinity && cdataEnd < from) {
        const i = text.indexOf(']]>', from);
        cdataEnd = i < 0 ? Infinity : i;
      }
      if (cdataEnd === Infinity) continue;
      start = from + 9;
      end = cdataEnd;
      after = cdataEnd + 3;
    } else {
      const lt = text.indexOf('<', from);
      if (lt < 0) continue;
      end = lt;
      after = lt;
    }
    if (!closes(text, after, tag)) continue;
    // The value without the whitespace around it (pretty-printed XML puts it on its own line).
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start && !notSecret(text.slice(start, end))) found.push({ start, end, kind });
  }
  if (found.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const r of found) {
    if (r.start < copied) continue;
    out += text.slice(copied, r.start) + mark(r.kind);
    copied = r.end;
  }
  return out + text.slice(copied);
}

/** Whether `</tag>` (spaces allowed before the `>`) starts at `at`. */
function closes(text: string, at: number, tag: string): boolean {
  if (!text.startsWith('</', at) || !text.startsWith(tag, at + 2)) return false;
  let i = at + 2 + tag.length;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text[i] === '>';
}

// --- YAML block scalars ---------------------------------------------------------------------------------------------

/** `password: |`, `- token: >-`, `"client_secret": |2`: a key, then a block indicator and nothing else. */
const BLOCK_KEY = /^([ \t]*)(- +)?(["']?)([A-Za-z0-9_.\/-]{1,100})\3[ \t]*:[ \t]*[|>](?:[1-9][+-]?|[+-][1-9]?)?[ \t]*(?:#[^\r\n]*)?\r?$/gm;

/** A PEM key's BEGIN or END line: pem.ts has already replaced the body between them and keeps these. */
const PEM_ARMOR = /^-----(?:BEGIN|END) [A-Z0-9 ]{1,60}-----$/;

/**
 * The lines of a block scalar under a secret name become one line with the mark, at the block's indentation. A
 * block with nothing left to hide (only marks, placeholders, or a key whose body pem.ts replaced) stays as it is.
 */
export function redactYamlBlocks(text: string): string {
  if (!text.includes('|') && !text.includes('>')) return text;
  let out = '';
  let copied = 0;
  BLOCK_KEY.lastIndex = 0;
  for (let m = BLOCK_KEY.exec(text); m; m = BLOCK_KEY.exec(text)) {
    const kind = secretKindOfName(m[4]!);
    const lineEnd = m.index + m[0].length;
    if (lineEnd >= text.length) break;
    if (!kind) {
      BLOCK_KEY.lastIndex = lineEnd + 1;
      continue;
    }
    // The block is every following line indented deeper than the key, and the blank lines between them.
    const keyColumn = m[1]!.length + (m[2]?.length ?? 0);
    const first = text.indexOf('\n', lineEnd) + 1;
    let pos = first;
    let lastEnd = -1;
    let indent = '';
    let allMarked = true;
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = text.length;
      const line = text.slice(pos, nl).replace(/\r$/, '');
      const content = line.trimStart();
      if (content !== '') {
        const depth = line.length - content.length;
        if (depth <= keyColumn) break;
        if (lastEnd < 0) indent = line.slice(0, depth);
        if (!notSecret(content.trimEnd()) && !PEM_ARMOR.test(content.trimEnd())) allMarked = false;
        lastEnd = pos + line.length;
      }
      pos = nl + 1;
    }
    BLOCK_KEY.lastIndex = Math.max(lineEnd + 1, lastEnd);
    if (lastEnd < 0 || allMarked) continue;
    out += text.slice(copied, first) + indent + mark(kind);
    copied = lastEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
