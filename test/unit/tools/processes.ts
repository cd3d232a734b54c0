import fs from 'node:fs';
import { afterEach } from 'vitest';

/** Alive and not a zombie: a reparented child may linger as a zombie where PID 1 does not reap. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `check` holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

export async function readPid(file: string): Promise<number> {
  const ok = await eventually(() => fs.existsSync(file) && /^\d+\s*$/.test(fs.readFileSync(file, 'utf8')));
  if (!ok) throw new Error(`no pid in ${file}`);
  return Number(fs.readFileSync(file, 'utf8').trim());
}

/** A list for the pids a test starts: each is SIGKILLed after the test, so a failed assertion leaves no sleeps behind. */
export function killedAfterEach(): number[] {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return started;
}
