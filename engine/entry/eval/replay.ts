// The replaying tool layer: the engine's own tool objects (same names, input schemas, risk assessment and
// describe()), whose run() answers from a case's recordings instead of acting. A call with no recording is
// refused with a permanent ClassifiedError and counted as unrecorded: nothing in an evaluation runs a command.
import { TOOL } from '../../execution/tools/names';
import { redactValue } from '../../execution/redact';
import { canonicalJson } from '../../control/workflow/canonical';
import { ClassifiedError } from '../../control/workflow/failures';
import type { AnyTool } from '../../control/workflow/tool';
import type { Recording } from './schema';

/** Whitespace runs become one space, ends are trimmed: how recorded and planned commands are compared. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * How a recording is looked up: normalised text, and in each kubectl/oc command its namespace moved right after
 * the program. kubectl reads its flags in any order, so `oc top pod x -n shop` and `oc -n shop top pod x` are one
 * command; the planner puts the alert's namespace after a command's words, recordings hold either form.
 */
export function replayKey(text: string): string {
  return normalizeText(text)
    .split(/( \| | && | \|\| | ?; )/)
    .map((segment) => {
      const m = /^(kubectl|oc) (.*)$/.exec(segment);
      if (!m) return segment;
      const [own, rest = ''] = m[2]!.split(/( -- .*)$/);
      const ns = /(?:^| )(?:-n |--namespace[= ])(\S+)(?= |$)/.exec(own!);
      if (!ns) return segment;
      const without = own!.replace(ns[0], '').trim();
      return `${m[1]} -n ${ns[1]}${without ? ` ${without}` : ''}${rest}`;
    })
    .join('');
}

/** What a tool call runs, as a person reads it: describe() when the tool has one, else its canonical input. */
export function describeInput(tool: AnyTool | undefined, input: unknown): string {
  try {
    const text = tool?.describe?.(input);
    if (typeof text === 'string') return text;
  } catch {
    // An input describe() cannot read is described by its JSON.
  }
  const i = (input ?? {}) as Record<string, unknown>;
  const field = [i.command, i.query].find((v) => typeof v === 'string') as string | undefined;
  return field ?? canonicalJson(input ?? null);
}

/** `command` recordings answer any tool that runs a program and shows its command line as describe(). */
const COMMAND = 'command';
const PROCESS_TOOLS: ReadonlySet<string> = new Set([TOOL.shell, TOOL.k8s, TOOL.host]);

/** A recording resolved for replay: the tool it answers, the normalised input it matches, the output it returns. */
export interface Replay {
  readonly tool: string;
  readonly key: string;
  readonly output: unknown;
}

export interface ReplayCall {
  readonly tool: string;
  /** What ran, as describe() shows it. */
  readonly input: string;
  readonly recorded: boolean;
}

/** Recordings keyed by tool and normalised input; outputs are built in the shape the real tool returns. */
export class Recordings {
  private readonly byKey = new Map<string, Replay>();
  /** Every call the layer saw, in order, recorded or not. */
  readonly calls: ReplayCall[] = [];

  constructor(recordings: readonly Recording[], readText: (file: string) => string) {
    for (const r of recordings) {
      const replay = toReplay(r, readText);
      const id = `${replay.tool}\u0000${replay.key}`;
      // The same command written twice (flags in another order) may be recorded twice, with the same output.
      const seen = this.byKey.get(id);
      if (seen && canonicalJson(seen.output ?? null) !== canonicalJson(replay.output ?? null)) throw new Error(`two recordings for ${replay.tool} ${JSON.stringify(replay.key.slice(0, 120))} with different outputs`);
      this.byKey.set(id, replay);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The recording for this call: by tool, or for a program-running tool (shell, k8s, host), a `command` recording of its text. */
  find(tool: string, input: string): Replay | null {
    const key = replayKey(input);
    return this.byKey.get(`${tool}\u0000${key}`) ?? (PROCESS_TOOLS.has(tool) ? (this.byKey.get(`${COMMAND}\u0000${key}`) ?? null) : null);
  }

  get unrecorded(): ReplayCall[] {
    return this.calls.filter((c) => !c.recorded);
  }
}

function toReplay(r: Recording, readText: (file: string) => string): Replay {
  if ('command' in r) {
    const stdout = r.stdoutFile !== undefined ? readText(r.stdoutFile) : (r.stdout ?? '');
    const stderr = r.stderrFile !== undefined ? readText(r.stderrFile) : (r.stderr ?? '');
    // The shell tool's output (engine/execution/tools/process.ts ProcessOutput).
    return { tool: COMMAND, key: replayKey(r.command), output: { exitCode: r.exitCode, signal: null, stdout, stderr, truncated: false, durationMs: 0, sandbox: 'none' } };
  }
  if ('query' in r) {
    const many = (r.resultType === 'vector' || r.resultType === 'matrix') && Array.isArray(r.result);
    // The PromQL tool's output (engine/execution/tools/promql.ts PromqlOutput).
    return { tool: TOOL.promql, key: normalizeText(r.query), output: { resultType: r.resultType, series: many ? (r.result as unknown[]).length : 1, result: r.result, truncated: false } };
  }
  return { tool: r.tool, key: normalizeText(r.input), output: r.output };
}

/** Tools answered by a person, never run: they keep their own behaviour. */
const PERSON_TOOLS: ReadonlySet<string> = new Set([TOOL.ask, TOOL.checklist]);

/**
 * The catalogue with run() replaced: the same object otherwise (schema, assess, bind, quote, describe), so the
 * planner, the classifier and the policy gate see exactly what they see in production.
 */
export function replayTools(tools: readonly AnyTool[], recordings: Recordings, options: { stubUnrecorded?: boolean } = {}): AnyTool[] {
  return tools.map((tool): AnyTool => {
    if (PERSON_TOOLS.has(tool.name)) return tool;
    return {
      ...tool,
      run: async (input: unknown, signal: AbortSignal) => {
        signal.throwIfAborted();
        const text = describeInput(tool, input);
        const replay = recordings.find(tool.name, text);
        recordings.calls.push({ tool: tool.name, input: text, recorded: replay !== null });
        if (!replay && options.stubUnrecorded) return { output: PROCESS_TOOLS.has(tool.name) ? { exitCode: 0, signal: null, stdout: '', stderr: '', truncated: false, durationMs: 0, sandbox: 'none' } : { resultType: 'vector', series: 0, result: [], truncated: false } };
        if (!replay) {
          const shown = normalizeText(text);
          throw new ClassifiedError('permanent', `eval: no recording for ${tool.name} input ${JSON.stringify(shown.length > 300 ? `${shown.slice(0, 299)}…` : shown)}; the replaying tool layer refuses it`);
        }
        // As every real tool does before its output is stored.
        return { output: redactValue(replay.output) };
      },
    };
  });
}
