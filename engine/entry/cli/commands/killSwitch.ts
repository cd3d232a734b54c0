import os from 'node:os';
import { KillSwitchName } from '../../../../protocol/workflow';
import { openDatabase } from '../../../control/db/open';
import { setKillSwitch } from '../../../control/store/sqlite/killSwitch';
import { defaultDatabasePath } from '../../../shared/paths';
import { UsageError, type CliCommand } from '../command';

export const killSwitchCommand: CliCommand = {
  name: 'kill-switch',
  summary: 'turn a kill switch (writes, network, shell) on or off; a running engine stops new calls at once',
  usage: 'NAME on|off --reason TEXT [--by NAME] [--db FILE]',
  options: { db: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  run({ values, positionals }, io) {
    const name = KillSwitchName.safeParse(positionals[0]);
    if (!name.success) throw new UsageError(`kill switch must be one of ${KillSwitchName.options.join(', ')}`);
    if (positionals[1] !== 'on' && positionals[1] !== 'off') throw new UsageError("expected 'on' or 'off'");
    if (typeof values.reason !== 'string' || values.reason.trim() === '') throw new UsageError('--reason is required: the log records why');
    const by = typeof values.by === 'string' ? values.by : os.userInfo().username;
    const file = typeof values.db === 'string' ? values.db : defaultDatabasePath();
    const db = openDatabase(file);
    try {
      setKillSwitch(db, name.data, positionals[1] === 'on', by, values.reason, Date.now());
      io.out(`kill switch ${name.data} is ${positionals[1]} (${by}: ${values.reason})`);
      return 0;
    } finally {
      db.close();
    }
  },
};
