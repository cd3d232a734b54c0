/**
 * Every request and notification between the extension host and the engine process.
 * Both sides import this module; nothing else crosses the boundary.
 */
import { z } from 'zod';
import { defineNotification, defineRequest } from './define';

/** Sent by the extension as LSP initializationOptions. */
export const EngineInitOptions = z.object({
  /** Folder the engine owns (the extension's global storage). The database lives here. */
  storagePath: z.string().min(1),
  /** Embedding model folder; empty means the engine's own default search. */
  modelPath: z.string().default(''),
  /** Workspace trust. An untrusted workspace may read but never execute. */
  trusted: z.boolean(),
  workspaceFolders: z.array(z.string()).default([]),
});
export type EngineInitOptions = z.infer<typeof EngineInitOptions>;

export const ModelInfo = z.object({
  path: z.string(),
  weightsFile: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

/** Whether shell reads run confined (engine/execution/sandbox): the probe's answer, shown by doctor and the panel. */
export const SandboxInfo = z.object({
  available: z.boolean(),
  kind: z.enum(['bubblewrap', 'none']),
  version: z.string().optional(),
  /** Why reads run unconfined on this machine (no bwrap, not Linux, no namespaces), when they do. */
  problem: z.string().optional(),
});
export type SandboxInfo = z.infer<typeof SandboxInfo>;

export const Health = z.object({
  engineVersion: z.string(),
  pid: z.number().int(),
  uptimeMs: z.number().nonnegative(),
  node: z.string(),
  sqlite: z.string(),
  onnxruntime: z.string(),
  database: z.object({
    path: z.string(),
    schemaVersion: z.number().int().nullable(),
    journalMode: z.string().nullable(),
    /** Why the engine refused the database file (corrupt, from a newer version, locked), or null. */
    problem: z.string().nullable(),
  }),
  model: ModelInfo.nullable(),
  modelProblem: z.string().nullable(),
  trusted: z.boolean(),
  /** Whether shell reads run in a sandbox on this machine. */
  sandbox: SandboxInfo,
});
export type Health = z.infer<typeof Health>;

export const health = defineRequest('runbookAgent/health', z.object({}).strict(), Health);

/** The engine tells the extension that workspace trust changed execution rights. */
export const setTrust = defineNotification('runbookAgent/setTrust', z.object({ trusted: z.boolean() }).strict());
