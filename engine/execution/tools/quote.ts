/**
 * POSIX shell quoting for untrusted values put into a command (alert labels, a person's answers): a plain
 * word stays as it is, anything else is single-quoted, so the value is one argument and never shell syntax.
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A value inside a PromQL double-quoted string (label matchers): backslashes and quotes escaped. */
export function promqlQuote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
