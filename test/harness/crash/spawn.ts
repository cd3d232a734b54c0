import { spawn } from 'node:child_process';
import { ClassifiedError } from '../../../engine/control/workflow/failures';

/**
 * Runs a real process and resolves with its stdout. Exit code 75 (EX_TEMPFAIL) is a transient failure, any
 * other non-zero code a permanent one; the abort signal kills the process.
 */
export function run(command: string, args: readonly string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(e));
    child.on('close', (code) => {
      if (code === 0) return resolve(out);
      const message = `${command} exited with ${code}: ${err.trim().slice(0, 500)}`;
      reject(new ClassifiedError(code === 75 ? 'transient' : 'permanent', message));
    });
  });
}
