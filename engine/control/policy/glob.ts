/**
 * Globs for policy rules, compiled to anchored regular expressions with no nested quantifiers (linear
 * matching, whatever the command). `*` is any text, `?` one character; everything else is literal.
 */
export function globToRegExp(glob: string, anywhere = false): RegExp {
  let body = '';
  for (const ch of glob) {
    if (ch === '*') body += '[\\s\\S]*';
    else if (ch === '?') body += '[\\s\\S]';
    else body += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return anywhere ? new RegExp(body) : new RegExp(`^${body}$`);
}
