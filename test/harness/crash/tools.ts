import type { RunbookSteps } from '../../../engine/control/workflow/planner';
import path from 'node:path';
import { z } from 'zod';
import type { Tool } from '../../../engine/control/workflow/tool';
import { run } from './spawn';

/**
 * Tools with real, observable side effects for the crash harness and benchmarks. Each spawns /bin/sh, like
 * the shell tools users will run. `dir` holds the effects:
 * - writes.log: one line per non-idempotent write, the call's idempotency key (a duplicate line = a write done twice)
 * - reads.log: one line per read (reads may legitimately repeat after a crash)
 * - marks/KEY: created by the idempotent write (running it twice changes nothing)
 */
const Target = z.object({ target: z.string().min(1).max(200) }).strict();
type Target = z.infer<typeof Target>;

export function harnessTools(dir: string): Array<Tool<Target>> {
  const writes = path.join(dir, 'writes.log');
  const reads = path.join(dir, 'reads.log');
  const marks = path.join(dir, 'marks');
  return [
    {
      name: 'check_status',
      risk: 'read',
      toolClass: 'shell',
      idempotent: false,
      input: Target,
      async run(input, signal, call) {
        const out = await run('/bin/sh', ['-c', 'printf "%s %s\\n" "$1" "$2" >> "$3"; echo ok', 'sh', call.key, input.target, reads], signal);
        return { output: { status: out.trim() } };
      },
    },
    {
      name: 'append_line',
      risk: 'write',
      toolClass: 'shell',
      idempotent: false,
      input: Target,
      async run(input, signal, call) {
        // A single short write with O_APPEND: the line is either fully there or absent.
        await run('/bin/sh', ['-c', 'printf "%s %s\\n" "$1" "$2" >> "$3"', 'sh', call.key, input.target, writes], signal);
        return { output: { appended: call.key } };
      },
    },
    {
      name: 'touch_marker',
      risk: 'write',
      toolClass: 'file',
      idempotent: true,
      input: Target,
      async run(_input, signal, call) {
        await run('/bin/sh', ['-c', 'mkdir -p "$1" && : > "$1/$2"', 'sh', marks, call.key], signal);
        return { output: { marked: call.key } };
      },
    },
  ];
}

/** The harness runbook: read, write, idempotent write, write. */
export const HARNESS_RUNBOOKS: RunbookSteps = {
  crash: [
    // Phases make two decision points (after diagnose, after mitigate), so kills also land around decisions.
    { id: 'check', tool: 'check_status', input: { target: '{{host}}' }, expect: 'ok', phase: 'diagnose' },
    { id: 'append-1', tool: 'append_line', input: { target: '{{host}}/1' }, phase: 'mitigate' },
    { id: 'mark', tool: 'touch_marker', input: { target: '{{host}}' }, phase: 'mitigate' },
    { id: 'append-2', tool: 'append_line', input: { target: '{{host}}/2' }, phase: 'verify' },
  ],
};
