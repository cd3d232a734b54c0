// PEM private keys: the BEGIN and END lines stay (they say what was there), the body goes. The body is the
// base64 and `Name: value` header lines after BEGIN, so a key cut short by an output cap is still found, and
// an END far below (belonging to another key) does not swallow the text in between. A key escaped onto one
// line (JSON's "-----BEGIN …-----\nMIIE…\n-----END …-----") ends at the END on that line.

const BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const END = /[ \t]*-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/y;
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;
const HEADER_LINE = /^[A-Za-z-]{1,40}: /;
const MARK = '[REDACTED:private_key]';

export function redactPem(text: string): string {
  if (!text.includes('PRIVATE KEY')) return text;
  let out = '';
  let copied = 0;
  // Both only move forward, so many BEGINs on one long line still cost linear time.
  let nextEnd = -1;
  let nextNl = -1;
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) {
    const bodyStart = m.index + m[0].length;
    if (nextNl !== Infinity && nextNl < bodyStart) nextNl = indexOrInfinity(text, '\n', bodyStart);
    if (nextEnd !== Infinity && nextEnd < bodyStart) nextEnd = indexOrInfinity(text, '-----END ', bodyStart);
    const lineEnd = nextNl === Infinity ? text.length : nextNl;
    let bodyEnd: number;
    let nl = '';
    if (nextEnd < lineEnd) {
      bodyEnd = nextEnd;
      if (text.startsWith('\\n', bodyStart)) nl = '\\n';
    } else if (text.slice(bodyStart, lineEnd).trim() !== '') {
      // Escaped onto one line and cut short: the rest of the line goes.
      bodyEnd = lineEnd;
    } else {
      bodyEnd = bodyLinesEnd(text, Math.min(text.length, lineEnd + 1));
      nl = text[bodyStart] === '\r' ? '\r\n' : '\n';
    }
    END.lastIndex = bodyEnd;
    const resume = END.test(text) ? END.lastIndex : bodyEnd;
    const after = bodyEnd < text.length ? nl : '';
    // Nothing to hide (a BEGIN line in prose, or one already redacted): leave the text as it is.
    if (text.slice(bodyStart, bodyEnd).trim() !== '' && text.slice(bodyStart, bodyEnd).trim() !== '\\n') {
      out += text.slice(copied, bodyStart) + nl + MARK + after;
      copied = bodyEnd;
    }
    BEGIN.lastIndex = resume;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function indexOrInfinity(text: string, needle: string, from: number): number {
  const i = text.indexOf(needle, from);
  return i < 0 ? Infinity : i;
}

/**
 * The start of the first line from `pos` that is not part of a key body (or the end of the text). A blank
 * line belongs to the body only right after the headers of an encrypted key.
 */
function bodyLinesEnd(text: string, pos: number): number {
  let afterHeader = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    const line = text.slice(pos, lineEnd).trim();
    const header = HEADER_LINE.test(line);
    if (!(BASE64_LINE.test(line) || header || (line === '' && afterHeader))) return pos;
    afterHeader = header;
    pos = nl < 0 ? text.length : nl + 1;
  }
  return text.length;
}
