/**
 * The one place that says whether a URL's host is allowed (runbookAgent.tools.allowedHosts): the HTTP tool and
 * the shell classifier's network clients (curl, wget, promtool, amtool, etcdctl, psql) both ask it. Entries are
 * `host` (any port) or `host:port`, compared without case; no wildcards, no suffixes.
 */
export function hostAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowedHosts.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === host || e === `${host}:${port}`;
  });
}

/** Why `host[:port]` may not be reached, or null when it may. */
export function hostPortProblem(hostPort: string, allowedHosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(`http://${hostPort}`);
  } catch {
    return `\`${hostPort}\` is not a host name`;
  }
  return hostAllowed(url, allowedHosts) ? null : notAllowed(url.host, allowedHosts);
}

export function notAllowed(host: string, allowedHosts: readonly string[]): string {
  return allowedHosts.length === 0
    ? `reaches ${host}, and runbookAgent.tools.allowedHosts is empty`
    : `reaches ${host}, which is not in runbookAgent.tools.allowedHosts (${allowedHosts.join(', ')})`;
}
