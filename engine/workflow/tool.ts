import type { z } from 'zod';
import type { ToolClass } from '../../protocol/workflow';
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
  /** How an untrusted value (alert label, a person's answer) is embedded in this tool's string inputs. */
  quote?(value: string): string;
  /** One line a person reads on an approval card: what exactly will run. */
  describe?(input: I): string;
  /** `call.key` is the idempotency key: pass it on to APIs that deduplicate (e.g. an Idempotency-Key header). */
  run(input: I, signal: AbortSignal, call: ToolCall): Promise<ToolOutput>;
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
