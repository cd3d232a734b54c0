import os from 'node:os';
import path from 'node:path';
import { downloadModel, MINILM_L6_V2 } from '../../../memory/embed/download';
import { UsageError, type CliCommand } from '../command';

/** Where downloaded models live unless --dir says otherwise (XDG data home, beside the database). */
export function defaultModelsDir(): string {
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'runbook-agent', 'models');
}

export const model: CliCommand = {
  name: 'model',
  summary: 'model download: fetch all-MiniLM-L6-v2 from the Hugging Face hub (sha256-pinned)',
  usage: 'download [--dir DIR] [--base-url URL] [--json]',
  options: {
    dir: { type: 'string' },
    'base-url': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    if (positionals[0] !== 'download') throw new UsageError(`unknown model action '${positionals[0]}' (expected 'download')`);
    const dest = path.resolve(typeof values.dir === 'string' ? values.dir : path.join(defaultModelsDir(), MINILM_L6_V2.name));
    const baseUrl = typeof values['base-url'] === 'string' ? values['base-url'] : process.env.RUNBOOK_AGENT_MODEL_BASE_URL || MINILM_L6_V2.baseUrl;
    const result = await downloadModel({
      baseUrl,
      dest,
      files: MINILM_L6_V2.files,
      onFile: values.json ? undefined : (file, bytes) => io.err(`  ${file} (${bytes} bytes, sha256 ok)`),
    });
    if (values.json) io.out(JSON.stringify({ model: MINILM_L6_V2.name, path: result.dest, bytes: result.bytes }));
    else io.out(`${MINILM_L6_V2.name} is in ${result.dest}; use it with --model ${result.dest} or the runbookAgent.modelPath setting`);
    return 0;
  },
};
