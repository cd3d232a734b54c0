import { ClassifiedError } from '../../../engine/control/workflow/failures';
import { runProcess } from '../../../engine/execution/tools/process';

/**
 * Runs a real process the way the product's tools do (engine/execution/tools/process.ts, through the process
 * launcher) and resolves with its stdout. Exit code 75 (EX_TEMPFAIL) is a transient failure, any other
 * non-zero code a permanent one; the abort signal kills the process.
 */
export async function run(command: string, args: readonly string[], signal: AbortSignal): Promise<string> {
  const out = await runProcess({ file: command, args }, signal, { cwd: process.cwd(), env: process.env, outputCapBytes: 64 * 1024 });
  if (out.exitCode === 0) return out.stdout;
  const message = `${command} exited with ${out.exitCode ?? out.signal}: ${out.stderr.trim().slice(0, 500)}`;
  throw new ClassifiedError(out.exitCode === 75 ? 'transient' : 'permanent', message);
}
