/**
 * Incident memory (engine/memory/incidents): what earlier settled workflows of the same alert found and did ("last time"),
 * as the panel shows it and as people list and forget it. Memories are data about the past: redacted, capped,
 * never instructions.
 */
import { z } from 'zod';
import { defineRequest } from './define';

/** One earlier incident of the same alert, as the panel's "Last time" shows it. */
export const LastTimeView = z.object({
  /** What `runbook-agent memory forget` takes. */
  memoryId: z.string(),
  /** The earlier workflow: the panel links to it. */
  workflowId: z.string(),
  title: z.string(),
  state: z.string(),
  /** When it settled (ISO time). */
  settledAt: z.string(),
  /** Identity labels the two alerts share (alertname first). */
  shared: z.array(z.string()),
  runbook: z.string().nullable(),
  /** One paragraph: when, how it ended and how long it took, what ran, what fixed it. */
  text: z.string(),
});
export type LastTimeView = z.infer<typeof LastTimeView>;

/** A stored memory in lists (`memory list`, the RPC): what it is about, never the findings themselves. */
export const MemoryItem = z.object({
  id: z.string(),
  workflowId: z.string(),
  workspace: z.string(),
  title: z.string(),
  alertname: z.string(),
  labels: z.record(z.string(), z.string()),
  state: z.string(),
  settledAt: z.string(),
  verification: z.string(),
  /** What fixed it (mitigations done), one line each. */
  fixed: z.array(z.string()),
});
export type MemoryItem = z.infer<typeof MemoryItem>;

const Id = z.string().min(1).max(200);

/** The incident memories of one workspace (or all), newest first. */
export const listMemories = defineRequest(
  'runbookAgent/memory/list',
  z.object({ workspace: z.string().min(1).max(4096).optional(), limit: z.number().int().positive().max(1000).default(200) }).strict(),
  z.object({ memories: z.array(MemoryItem) }),
);

/**
 * Forget one memory (by its id or its workflow's id): recall no longer finds it; the event log records who forgot
 * it and when (`memory_forgotten`), never what it said. The workflow's own record is untouched.
 */
export const forgetMemory = defineRequest(
  'runbookAgent/memory/forget',
  z.object({ id: Id }).strict(),
  z.object({ id: z.string(), workflowId: z.string(), seq: z.number().int().positive() }),
);
