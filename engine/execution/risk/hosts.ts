// URLs in shell commands: the network clients the classifier calls reads may only GET over http(s) from an allowed
// host (runbookAgent.tools.allowedHosts), so a read cannot send data to a host an alert or a runbook chose.
import { hostAllowed, notAllowed } from '../net/hosts';

/** curl guesses the protocol of a URL without a scheme from the host's first label. */
const GUESSED = /^(ftp|dict|ldap|imap|pop3|smtp|gopher|telnet|tftp|mqtt|rtsp|scp|sftp|smb|ws|wss)\./i;

/**
 * Why `text` may not be fetched as a read, or null when it may. `globoff`: curl's -g, without which `{}` and `[]`
 * in a URL are expanded into several URLs (so they are refused).
 */
export function allowedUrl(text: string, allowedHosts: readonly string[], globoff = false): string | null {
  if (!globoff && /[{}[\]]/.test(text)) return `\`${text}\` uses URL globbing ({} or []), which expands to other URLs`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined && GUESSED.test(text)) return `\`${text}\` is not an http or https URL`;
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return `\`${text}\` uses ${scheme}://, not http or https`;
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `http://${text}` : text);
  } catch {
    return `\`${text}\` is not a URL`;
  }
  return hostAllowed(url, allowedHosts) ? null : notAllowed(url.host, allowedHosts);
}
