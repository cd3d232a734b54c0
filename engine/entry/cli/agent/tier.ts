import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../control/db/open';
import { defaultDatabasePath } from '../../../shared/paths';
import { effectiveTier, ignoredWorkspaceRules } from '../../../control/policy/gate';
import { loadWorkspacePolicy } from '../../../control/policy/load';
import { Tier } from '../../../control/policy/schema';
import { getTier, setTier } from '../../../control/store/sqlite/tiers';
import { UsageError, type CliCommand } from '../command';
import { AGENT_OPTIONS, AGENT_USAGE, openAgent } from './options';

const DESCRIBE: Record<Tier, string> = {
  'read-only': 'reads run on their own; writes never run',
  'approved-writes': 'reads run on their own; every write waits for your approval',
  'auto-approve': "writes matching your own allow rules run on their own; other writes wait for approval",
};

export const tierCommand: CliCommand = {
  name: 'tier',
  summary: "show or switch a workspace's capability tier (read-only, approved-writes, auto-approve)",
  usage: `--workspace DIR [TIER] [--by NAME] ${AGENT_USAGE}`,
  options: { ...AGENT_OPTIONS, workspace: { type: 'string' }, by: { type: 'string' } },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, io) {
    if (typeof values.workspace !== 'string') throw new UsageError('--workspace DIR is required');
    const workspace = path.resolve(values.workspace);
    if (!fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${workspace} is not a folder`);
    const wanted = positionals[0];
    if (wanted !== undefined && !Tier.safeParse(wanted).success) throw new UsageError(`TIER must be one of ${Tier.options.join(', ')}`);
    const db = openDatabase(typeof values.db === 'string' ? values.db : defaultDatabasePath());
    try {
      if (wanted !== undefined) {
        setTier(db, workspace, wanted as Tier, typeof values.by === 'string' ? values.by : os.userInfo().username, Date.now());
        // Steps the old tier held were handed back to the engine: carry them on to their fresh cards.
        const agent = openAgent(db, workspace, { ...values, json: true }, io);
        try {
          await agent.runUntilIdle();
        } finally {
          await agent.close();
        }
      }
      const chosen = getTier(db, workspace);
      const ws = loadWorkspacePolicy(workspace);
      const tier = effectiveTier({ tier: chosen, workspace: ws });
      const notes = [...(tier !== chosen ? [`the workspace policy file caps the tier at ${tier}`] : []), ...ignoredWorkspaceRules(ws)];
      if (values.json) io.out(JSON.stringify({ workspace, chosen, effective: tier, notes }, null, 2));
      else io.out([`${workspace}: ${tier} (${DESCRIBE[tier]})`, ...notes.map((n) => `  note: ${n}`)].join('\n'));
      return 0;
    } finally {
      db.close();
    }
  },
};
