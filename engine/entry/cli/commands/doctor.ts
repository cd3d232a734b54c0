import fs from 'node:fs';
import { z } from 'zod';
import { ModelInfo, SandboxInfo } from '../../../../protocol/engine';
import { DatabaseProblem } from '../../../control/db/errors';
import { openDatabase, schemaVersion } from '../../../control/db/open';
import { findModel } from '../../../memory/model/locate';
import { workspaceFreshness } from '../../../memory/retrieval/freshness';
import { RetrievalStore } from '../../../memory/retrieval/store';
import { defaultDatabasePath, packageRoot } from '../../../shared/paths';
import { onnxRuntimeVersion, sqliteVersion } from '../../../shared/runtime';
import { describeSandbox, sandboxInfo } from '../../../execution/sandbox';
import { ENGINE_VERSION } from '../../../shared/version';
import type { CliCommand } from '../command';

export const DoctorReport = z.object({
  ok: z.boolean(),
  engineVersion: z.string(),
  node: z.string(),
  sqlite: z.string(),
  onnxruntime: z.string().nullable(),
  onnxruntimeProblem: z.string().nullable(),
  model: ModelInfo.nullable(),
  modelProblem: z.string().nullable(),
  database: z.object({
    path: z.string(),
    exists: z.boolean(),
    schemaVersion: z.number().int().nullable(),
    problem: z.string().nullable(),
  }),
  /** With --workspace: how the runbook index of that folder compares with the disk. */
  index: z
    .object({
      root: z.string(),
      indexed: z.number().int(),
      changed: z.array(z.string()),
      deleted: z.array(z.string()),
      added: z.array(z.string()),
      fresh: z.boolean(),
    })
    .nullable(),
  /** Whether shell reads run confined here; its absence is reported, not a failure (see runbookAgent.sandbox.requireForReads). */
  sandbox: SandboxInfo,
});
export type DoctorReport = z.infer<typeof DoctorReport>;

export function diagnose(dbPath: string, modelPath?: string, workspace?: string): DoctorReport {
  let onnxruntime: string | null = null;
  let onnxruntimeProblem: string | null = null;
  try {
    onnxruntime = onnxRuntimeVersion();
  } catch (error) {
    onnxruntimeProblem = (error as Error).message;
  }
  const lookup = findModel(packageRoot(), modelPath);
  const database = inspectDatabase(dbPath);
  const index = workspace && database.exists && !database.problem ? indexFreshness(dbPath, workspace) : null;
  return {
    ok: onnxruntime !== null && lookup.model !== null && database.problem === null,
    engineVersion: ENGINE_VERSION,
    node: process.versions.node,
    sqlite: sqliteVersion(),
    onnxruntime,
    onnxruntimeProblem,
    model: lookup.model,
    modelProblem: lookup.problem,
    database,
    index,
    sandbox: sandboxInfo(),
  };
}

function indexFreshness(file: string, workspace: string): DoctorReport['index'] {
  const db = openDatabase(file, { readonly: true });
  try {
    const { root, indexed, changed, deleted, added, fresh } = workspaceFreshness(new RetrievalStore(db), workspace);
    return { root, indexed, changed, deleted, added, fresh };
  } finally {
    db.close();
  }
}

/** Reads the database without creating or migrating it: doctor must never change what it inspects. */
function inspectDatabase(file: string): DoctorReport['database'] {
  if (!fs.existsSync(file)) return { path: file, exists: false, schemaVersion: null, problem: null };
  try {
    const db = openDatabase(file, { readonly: true });
    try {
      return { path: file, exists: true, schemaVersion: schemaVersion(db), problem: null };
    } finally {
      db.close();
    }
  } catch (error) {
    if (!(error instanceof DatabaseProblem)) throw error;
    return { path: file, exists: true, schemaVersion: null, problem: error.message };
  }
}

function render(r: DoctorReport): string {
  const line = (label: string, value: string) => `${label.padEnd(12)} ${value}`;
  return [
    line('engine', r.engineVersion),
    line('node', r.node),
    line('sqlite', r.sqlite),
    line('onnxruntime', r.onnxruntime ?? `PROBLEM: ${r.onnxruntimeProblem}`),
    line('model', r.model ? `${r.model.path} (${r.model.weightsFile}, sha256 ${r.model.sha256})` : `PROBLEM: ${r.modelProblem}`),
    line(
      'database',
      `${r.database.path} ` +
        (r.database.problem
          ? `PROBLEM: ${r.database.problem}`
          : r.database.exists
            ? `(schema v${r.database.schemaVersion})`
            : '(not created yet)'),
    ),
    line('sandbox', describeSandbox(r.sandbox)),
    ...(r.index
      ? [
          line(
            'index',
            `${r.index.root}: ${r.index.indexed} files indexed, ` +
              (r.index.fresh
                ? 'up to date'
                : `${r.index.changed.length} changed, ${r.index.deleted.length} deleted, ${r.index.added.length} new since indexing (run 'runbook-agent index')`),
          ),
        ]
      : []),
    r.ok ? 'all good' : 'problems found',
  ].join('\n');
}

export const doctor: CliCommand = {
  name: 'doctor',
  summary: 'report the runtime, the embedding model and the database',
  usage: '[--json] [--db FILE] [--model DIR] [--workspace DIR]',
  options: {
    json: { type: 'boolean' },
    workspace: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
  },
  run({ values }, io) {
    const report = diagnose(
      typeof values.db === 'string' ? values.db : defaultDatabasePath(),
      typeof values.model === 'string' ? values.model : undefined,
      typeof values.workspace === 'string' ? values.workspace : undefined,
    );
    io.out(values.json ? JSON.stringify(report, null, 2) : render(report));
    return report.ok ? 0 : 1;
  },
};
