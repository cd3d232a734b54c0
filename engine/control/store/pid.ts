import { randomUUID } from 'node:crypto';
import os from 'node:os';

/** A worker identity that recovery can check for liveness: host/pid/random. */
export function newOwner(): string {
  return `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

/** Whether a process of this host still exists: a lease held by a dead one may be taken over. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
