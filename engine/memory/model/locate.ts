import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelInfo } from '../../../protocol/engine';

export const DEFAULT_MODEL = 'static-ops-embed-256';
/** int8 first: it is what the extension ships and what the engine runs. */
const WEIGHT_FILES = ['onnx/model_quantized.onnx', 'onnx/model.onnx'];
const REQUIRED_FILES = ['tokenizer.json', 'config.json'];

/**
 * Where to look for the embedding model, in order: an explicit folder (setting, flag or
 * RUNBOOK_AGENT_MODEL), the copy packaged with the extension, then ../shared/models beside the repository.
 */
export function modelCandidates(root: string, explicit?: string): string[] {
  const chosen = explicit || process.env.RUNBOOK_AGENT_MODEL;
  if (chosen) return [path.resolve(chosen)];
  return [path.join(root, 'models', DEFAULT_MODEL), path.resolve(root, '..', 'shared', 'models', DEFAULT_MODEL)];
}

export type ModelLookup = { model: ModelInfo; problem: null } | { model: null; problem: string };

export function findModel(root: string, explicit?: string): ModelLookup {
  const tried: string[] = [];
  for (const dir of modelCandidates(root, explicit)) {
    const problem = modelProblem(dir);
    if (problem === null) return { model: describeModel(dir), problem: null };
    tried.push(`${dir}: ${problem}`);
  }
  return { model: null, problem: `no embedding model found (${tried.join('; ')})` };
}

function modelProblem(dir: string): string | null {
  if (!fs.existsSync(dir)) return 'folder does not exist';
  const missing = REQUIRED_FILES.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length) return `missing ${missing.join(', ')}`;
  if (!WEIGHT_FILES.some((f) => fs.existsSync(path.join(dir, f)))) return `missing ${WEIGHT_FILES.join(' or ')}`;
  return null;
}

const hashCache = new Map<string, string>();

export function describeModel(dir: string): ModelInfo {
  const weights = WEIGHT_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!weights) throw new Error(`${dir} holds no ONNX weights (${WEIGHT_FILES.join(' or ')})`);
  const stat = fs.statSync(weights);
  const key = `${weights}:${stat.size}:${stat.mtimeMs}`;
  let sha256 = hashCache.get(key);
  if (!sha256) {
    sha256 = crypto.createHash('sha256').update(fs.readFileSync(weights)).digest('hex');
    hashCache.set(key, sha256);
  }
  return { path: dir, weightsFile: path.relative(dir, weights), sha256, bytes: stat.size };
}
