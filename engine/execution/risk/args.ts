/** Paths that swallow or show output rather than store it. */
export const harmlessSinks = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2', '-']);
