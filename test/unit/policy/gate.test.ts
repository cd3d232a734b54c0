import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, effectiveTier, ignoredWorkspaceRules } from '../../../engine/control/policy/gate';
import { loadUserPolicy, loadWorkspacePolicy, PolicyFileError } from '../../../engine/control/policy/load';
import { UserPolicy, WorkspacePolicy } from '../../../engine/control/policy/schema';
import { tempDir } from '../../helpers/tmp';

const shell = (command: string, risk: 'read' | 'write') => ({ tool: 'shell', risk, input: { command } });
const user = (p: unknown) => UserPolicy.parse(p);
const ws = (p: unknown) => WorkspacePolicy.parse(p);

describe('policy gate', () => {
  it('read-only tier (the default): reads run, writes are held with how to change it', () => {
    expect(decide(shell('df -h', 'read'), {})).toMatchObject({ action: 'allow' });
    const d = decide(shell('gzip old.log', 'write'), {});
    expect(d).toMatchObject({ action: 'hold', by: 'tier read-only' });
    expect(d.reason).toMatch(/approved-writes/);
  });

  it('approved-writes: every write waits for a person; approveReads makes reads wait too', () => {
    expect(decide(shell('gzip old.log', 'write'), { tier: 'approved-writes' })).toMatchObject({ action: 'approve' });
    expect(decide(shell('df -h', 'read'), { tier: 'approved-writes', user: user({ approveReads: true }) })).toMatchObject({ action: 'approve', by: 'user approveReads' });
    expect(decide(shell('df -h', 'read'), { tier: 'approved-writes', workspace: ws({ approveReads: true }) })).toMatchObject({ action: 'approve' });
  });

  it("auto-approve runs only writes matching the user's allow rules, and never a command with shell syntax", () => {
    const config = { tier: 'auto-approve' as const, user: user({ rules: [{ action: 'allow', tool: 'shell', command: 'gzip -9 logs/*' }] }) };
    expect(decide(shell('gzip -9 logs/a.log', 'write'), config)).toMatchObject({ action: 'allow', by: 'user rule 1' });
    expect(decide(shell('gzip -9 logs/a.log; rm -rf /', 'write'), config)).toMatchObject({ action: 'approve' });
    expect(decide(shell('gzip -9 logs/$(rm -rf /)', 'write'), config)).toMatchObject({ action: 'approve' });
    expect(decide(shell('rm -rf logs', 'write'), config)).toMatchObject({ action: 'approve' });
    // The same rule in the approved-writes tier does nothing.
    expect(decide(shell('gzip -9 logs/a.log', 'write'), { ...config, tier: 'approved-writes' })).toMatchObject({ action: 'approve' });
  });

  it('a workspace file can only tighten: its allow rules are ignored, its deny and escalate rules apply, maxTier lowers', () => {
    const workspace = ws({
      rules: [
        { action: 'allow', command: '*' },
        { action: 'deny', command: 'kubectl delete*', reason: 'never delete from here' },
        { action: 'escalate', tool: 'shell', command: 'cat /etc/*' },
      ],
      maxTier: 'approved-writes',
    });
    const config = { tier: 'auto-approve' as const, user: user({ rules: [{ action: 'allow', command: 'systemctl restart checkout' }] }), workspace };
    expect(effectiveTier(config)).toBe('approved-writes');
    expect(decide(shell('systemctl restart checkout', 'write'), config)).toMatchObject({ action: 'approve' });
    expect(decide(shell('echo hi && kubectl delete pod x', 'write'), config)).toMatchObject({ action: 'deny', by: 'workspace rule 2', reason: 'never delete from here' });
    expect(decide(shell('cat /etc/hosts', 'read'), config)).toMatchObject({ action: 'approve', by: 'workspace rule 3' });
    expect(ignoredWorkspaceRules(workspace)).toEqual(["workspace rule 1 (allow) is ignored: only the user's settings may allow"]);
    // maxTier never raises a lower choice.
    expect(effectiveTier({ tier: 'read-only', workspace: ws({ maxTier: 'auto-approve' }) })).toBe('read-only');
  });

  it('deny rules win over allow rules and match hosts and paths', () => {
    const config = {
      tier: 'auto-approve' as const,
      user: user({ rules: [{ action: 'allow', tool: 'http_request' }, { action: 'deny', host: '*.prod.example.com' }, { action: 'deny', tool: 'read_file', path: 'secrets/*' }] }),
    };
    expect(decide({ tool: 'http_request', risk: 'write', input: { method: 'POST', url: 'https://api.prod.example.com/x' } }, config)).toMatchObject({ action: 'deny', by: 'user rule 2' });
    expect(decide({ tool: 'http_request', risk: 'write', input: { method: 'POST', url: 'https://staging.example.com/x' } }, config)).toMatchObject({ action: 'allow', by: 'user rule 1' });
    expect(decide({ tool: 'read_file', risk: 'read', input: { path: 'secrets/db.env' } }, config)).toMatchObject({ action: 'deny' });
    expect(decide({ tool: 'read_file', risk: 'read', input: { path: 'runbooks/a.md' } }, config)).toMatchObject({ action: 'allow' });
  });

  it('rules match words after quote removal: quoting cannot dodge a deny, and * never spans an extra argument', () => {
    const config = {
      tier: 'auto-approve' as const,
      user: user({ rules: [{ action: 'deny', command: 'pwned *' }, { action: 'allow', command: 'systemctl restart *' }, { action: 'allow', command: 'pwned x' }] }),
    };
    for (const dodge of ['pw""ned x', "p'w'ned x", 'pw\\ned x', 'echo $(pwned x)', 'sudo pwned x', 'ls | pwned x']) {
      expect(decide(shell(dodge, 'write'), config), dodge).toMatchObject({ action: 'deny', by: 'user rule 1' });
    }
    expect(decide(shell('systemctl restart checkout', 'write'), config)).toMatchObject({ action: 'allow', by: 'user rule 2' });
    for (const wider of ['systemctl restart checkout --root=/x', 'systemctl restart a b', 'systemctl restart "$UNIT"', 'systemctl restart checkout > /etc/x', 'X=1 systemctl restart checkout', 'systemctl restart *']) {
      expect(decide(shell(wider, 'write'), config), wider).toMatchObject({ action: 'approve' });
    }
  });

  it('glob metacharacters in rules are literal except * and ?', () => {
    const config = { tier: 'approved-writes' as const, user: user({ rules: [{ action: 'deny', command: 'rm -rf (.*)' }] }) };
    expect(decide(shell('rm -rf /tmp/x', 'write'), config)).toMatchObject({ action: 'approve' });
    expect(decide(shell('rm -rf (.*)', 'write'), config)).toMatchObject({ action: 'deny' });
  });
});

describe('policy files', () => {
  it('reads the workspace file, and refuses a broken one with the file and field named', () => {
    const dir = tempDir('rba-policy-');
    expect(loadWorkspacePolicy(dir)).toEqual({ rules: [], approveReads: false });
    fs.mkdirSync(path.join(dir, '.runbook-agent'));
    const file = path.join(dir, '.runbook-agent/policy.json');
    fs.writeFileSync(file, JSON.stringify({ rules: [{ action: 'deny', command: 'rm *' }], maxTier: 'read-only' }));
    expect(loadWorkspacePolicy(dir)).toMatchObject({ maxTier: 'read-only', rules: [{ action: 'deny' }] });
    fs.writeFileSync(file, JSON.stringify({ rules: [{ action: 'permit' }] }));
    expect(() => loadWorkspacePolicy(dir)).toThrow(/policy\.json is invalid: rules\.0\.action/);
    fs.writeFileSync(file, '{ nope');
    expect(() => loadWorkspacePolicy(dir)).toThrow(PolicyFileError);
    expect(() => loadUserPolicy(path.join(dir, 'missing.json'))).toThrow(/cannot read policy file/);
  });
});
