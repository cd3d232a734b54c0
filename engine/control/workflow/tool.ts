import type { z } from 'zod';
import type { ToolClass } from '../../../protocol/workflow';
import type { RetryOverrides } from './retry';

/**
 * A stateless executor. The orchestrator validates the input, records the call as intended, runs it, and
 * records the result; a tool never touches workflow state.
 */
export interface Tool<I = unknown> {
  readonly name: string;
  /** 'write' tools have side effects: never re-run blindly after a crash unless `idempotent`. */
  readonly risk: 'read' | 'write';
  readonly toolClass: ToolClass;
  /** Running it twice with the same input has the same effect as once (safe to re-run after a crash). */
  readonly idempotent: boolean;
  readonly input: z.ZodType<I>;
  /** Abort the call after this long (default: the orchestrator's toolTimeoutMs). */
  readonly timeoutMs?: number;
  /** Per-tool retry policy overrides, by failure class. */
  readonly retry?: RetryOverrides;
  /**
   * The risk of this one input, when it depends on the input (a shell command, an HTTP method). The engine
   * takes the more dangerous of this, the plan's claim and `risk`; without it `risk` applies.
   */
  assess?(input: I): Assessment;
  /** How an untrusted value (a person's answer) is embedded in this tool's string inputs. */
  quote?(value: string): string;
  /**
   * Puts a person's answers into the input where it has `{{answer:NAME}}` markers, instead of `quote`, when where
   * a value lands decides what it may be (a shell command). Reasons in `review` make the step wait for a person;
   * throws when an answer cannot go in at all.
   */
  bind?(input: I, answers: Readonly<Record<string, string>>): Bound;
  /** One line a person reads on an approval card: what exactly will run. */
  describe?(input: I): string;
  /** `call.key` is the idempotency key: pass it on to APIs that deduplicate (e.g. an Idempotency-Key header). */
  run(input: I, signal: AbortSignal, call: ToolCall): Promise<ToolOutput>;
}

export interface Bound {
  readonly input: unknown;
  readonly review: readonly string[];
}

export interface Assessment {
  readonly risk: 'read' | 'write';
  /** Short sentences; for a write, what makes it one. */
  readonly reasons: readonly string[];
}

export interface ToolCall {
  readonly key: string;
  readonly workflowId: string;
  readonly stepId: string;
  /**
   * The engine judged this call a read (a read a person approved is still one). Defence in depth: the shell
   * tool then runs it in a read-only sandbox, so a write the classifier missed fails instead of writing.
   * Absent or false (an approved write, a caller outside the orchestrator): it runs as it always did.
   */
  readonly readOnly?: boolean;
}

export interface ToolOutput {
  readonly output: unknown;
  readonly tokens?: number;
}

export type AnyTool = Tool<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ToolRegistry {
  private readonly tools = new Map<string, AnyTool>();
  constructor(tools: readonly AnyTool[] = []) {
    for (const t of tools) this.add(t);
  }
  add(tool: AnyTool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool ${tool.name} registered twice`);
    this.tools.set(tool.name, tool);
  }
  get(name: string): AnyTool | undefined {
    return this.tools.get(name);
  }
  names(): string[] {
    return [...this.tools.keys()];
  }
}
