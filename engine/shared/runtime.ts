/** Versions of the native pieces the engine runs on, read from the loaded modules themselves. */
import Database from 'better-sqlite3';

export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

export function onnxRuntimeVersion(): string {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  // Loaded on demand: the binding is large and only doctor, health and the embedder need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node') as { env: { versions: { node?: string; common: string } } };
  return ort.env.versions.node ?? ort.env.versions.common;
}
