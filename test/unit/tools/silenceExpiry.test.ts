// The pure part of engine/entry/agent/silences.ts, shared by the SQLite and the --store path: which silences a
// workflow made, what its log says about them, and whether an expiry outcome is still to be logged.
import { describe, expect, it } from 'vitest';
import { expiryToLog, recorded, SILENCE_EXPIRED_EVENT, silencesOf } from '../../../engine/entry/agent/silences';
import { TOOL } from '../../../engine/execution/tools/names';

const call = (stepId: string, result: unknown, status = 'done', tool: string = TOOL.alertmanagerSilence) => ({ stepId, tool, status, result });

describe('silence expiry decisions', () => {
  it('takes the silences of done alertmanager_silence calls only, ignoring results without a string silenceId', () => {
    expect(
      silencesOf([call('s1', { silenceId: 'a' }), call('s2', { silenceId: 'b' }, 'failed'), call('s3', { silenceId: 'c' }, 'done', TOOL.shell), call('s4', null), call('s5', { silenceId: 7 }), call('s6', 'text')]),
    ).toEqual([{ stepId: 's1', silenceId: 'a' }]);
  });

  it('counts failed tries and settles on expired or gone', () => {
    const seen = recorded([{ silenceId: 'a', outcome: 'failed' }, { silenceId: 'a', outcome: 'failed' }, { silenceId: 'b', outcome: 'gone' }, null, { outcome: 'expired' }]);
    expect(Object.fromEntries(seen)).toEqual({ a: { settled: false, failures: 2 }, b: { settled: true, failures: 0 } });
  });

  it('logs an outcome once: not after the silence settled, nor after three failed tries', () => {
    const expired = { stepId: 's', silenceId: 'a', outcome: 'expired' };
    expect(expiryToLog([], expired)).toEqual([{ type: SILENCE_EXPIRED_EVENT, data: expired }]);
    expect(expiryToLog([{ silenceId: 'a', outcome: 'expired' }], expired)).toEqual([]);
    expect(expiryToLog([{ silenceId: 'b', outcome: 'expired' }], expired)).toHaveLength(1);
    const failed = { silenceId: 'a', outcome: 'failed' };
    expect(expiryToLog([failed, failed], expired)).toHaveLength(1);
    expect(expiryToLog([failed, failed, failed], { ...failed, detail: 'down' })).toEqual([]);
  });
});
