/** Text for times, sizes and versions, shared by every view. Pure: unit-tested without a DOM. */

/** "420 ms", "4.2 s", "38 s", "3 min 05 s", "1 h 02 min": short enough for a step row, exact enough to compare. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  // Rounding happens once, on the unit shown, so 59.96 s reads "1 min 00 s" and never "60 s".
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** How long ago `iso` was, relative to `now` (ms since the epoch); a time in the future counts as now. */
export function formatAge(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A content hash short enough for a row and long enough to tell versions apart. */
export function shortVersion(version: string): string {
  return version.replace(/^sha256:/, '').slice(0, 8);
}

/** "12–20", or "12" for a one-line range. */
export function lineRange(startLine: number, endLine: number): string {
  return endLine > startLine ? `${startLine}–${endLine}` : `${startLine}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
