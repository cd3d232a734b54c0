// The maintained rule set (secretlint's recommended preset) as ruleset.ts runs it: every scanner of the installed
// preset is accounted for, each finds a realistic token of its own, running it on keyword windows finds exactly
// what running it on the whole text finds, and what it finds is replaced with the kinds the other passes use.
import { rules } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { redactText } from '../../../engine/execution/redact';
import { findSecrets, findSecretsInWholeText, kindOfMessage, redactRuleSet, RULE_KEYWORDS, ruleSetInfo, ungatedRules } from '../../../engine/execution/redact/ruleset';

/** Builds token-shaped strings at run time, so the source holds no literal that looks like a live key. */
const ALNUM = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYzCq';
const HEX = '0123456789abcdef';
const fake = (prefix: string, n: number, alphabet = ALNUM): string => prefix + Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');

/** A 1Password service account token: `ops_` and the base64 of a JSON object (which ends in `fQ`). */
function opsToken(): string {
  for (let pad = 0; pad < 3; pad++) {
    const json = JSON.stringify({ email: 'svc@1passwordserviceaccounts.example', k: fake('', 43), secretKey: fake('A3-', 30), srpX: fake('', 64, HEX), pad: ' '.repeat(pad) });
    const b64 = Buffer.from(json).toString('base64');
    if (/fQ={0,2}$/.test(b64)) return `ops_${b64}`;
  }
  throw new Error('no padding gives fQ');
}

/** One realistic sample per rule: the text, the secret in it, and the kind it must be reported as. */
const SAMPLES: Record<string, Array<[text: string, secret: string, kind: string]>> = {};
const sample = (rule: string, text: string, secret: string, kind: string): void => {
  (SAMPLES[`@secretlint/secretlint-rule-${rule}`] ??= []).push([text, secret, kind]);
};
{
  const awsKey = fake('', 40, 'ABCDEFabcdef0123456789/+');
  sample('aws', `[default]\naws_secret_access_key = ${awsKey}\nregion = eu-west-1`, awsKey, 'aws_secret_access_key');
  const body = `MII${fake('', 125, 'ABCDEFGHabcdefgh0123456789+/')}`;
  sample('privatekey', `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`, body, 'private_key');
  const npm = fake('npm_', 36);
  sample('npm', `//registry.npmjs.org/:_authToken=${npm}`, npm, 'npm_token');
  const gho = fake('gho_', 36);
  sample('npm', `git clone https://${gho}:x-oauth-basic@github.com/acme/app.git`, gho, 'github_token');
  sample('basicauth', 'curl -sf https://deploy:Zq8vR2mKx9@git.example.com/acme/app', 'Zq8vR2mKx9', 'password');
  const xoxb = fake('xoxb-1234567890-9876543210-', 24);
  sample('slack', `SLACK_BOT=${xoxb}`, xoxb, 'slack_token');
  const hook = `T${fake('', 8, 'ABCDEFGH0123')}/B${fake('', 10, 'ABCDEFGH0123')}/${fake('', 24)}`;
  sample('slack', `posting to https://hooks.slack.com/services/${hook} failed: 404`, hook, 'slack_webhook');
  const sg = `SG.${fake('', 22)}.${fake('', 43)}`;
  sample('sendgrid', `sendgrid key ${sg}`, sg, 'sendgrid_key');
  const shp = fake('shpat_', 32, HEX);
  sample('shopify', `X-Shopify-Access-Token ${shp}`, shp, 'shopify_key');
  const sk = fake('sk_live_', 24);
  sample('stripe', `stripe ${sk}`, sk, 'stripe_key');
  const ghp = fake('ghp_', 36);
  sample('github', `remote: ${ghp}`, ghp, 'github_token');
  const pat = fake('github_pat_', 82);
  sample('github', `token ${pat}`, pat, 'github_token');
  const ghs = `ghs_123_${fake('', 30)}.${fake('', 40)}.${fake('', 20)}`;
  sample('github', `installation ${ghs}`, ghs, 'github_token');
  const glpat = fake('glpat-', 20);
  sample('gitlab', `PRIVATE-TOKEN ${glpat}`, glpat, 'gitlab_token');
  const glc = fake('glc_', 40);
  sample('grafana', `grafana ${glc}`, glc, 'grafana_cloud_api_token');
  const glsa = `${fake('glsa_', 32)}_${fake('', 8, HEX)}`;
  sample('grafana', `grafana ${glsa}`, glsa, 'grafana_service_account_token');
  const openai = `sk-proj-${fake('', 74)}T3BlbkFJ${fake('', 74)}`;
  sample('openai', `openai ${openai}`, openai, 'openai_token');
  const anthropic = `sk-ant-api03-${fake('', 93)}AA`;
  sample('anthropic', `anthropic ${anthropic}`, anthropic, 'anthropic_api_key');
  const gsk = fake('gsk_', 52);
  sample('groq', `groq ${gsk}`, gsk, 'groq_api_key');
  const hf = fake('hf_', 34, 'abcdefghijkLMNOPQRSTuvwxyz');
  sample('huggingface', `hf ${hf}`, hf, 'huggingface_user_access_token');
  const lin = fake('lin_api_', 40);
  sample('linear', `linear ${lin}`, lin, 'linear_api_token');
  const ntn = `ntn_${fake('', 11, '0123456789')}${fake('', 35)}`;
  sample('notion', `notion ${ntn}`, ntn, 'notion_integration_token');
  const ops = opsToken();
  sample('1password', `OP_SERVICE_ACCOUNT ${ops}`, ops, 'ops_token');
  sample('database-connection-string', 'dial postgresql://app:Zq8vR2mKx9@db.internal:5432/orders: timeout', 'Zq8vR2mKx9', 'password');
  sample('database-connection-string', 'uri mongodb+srv://app:Zq8vR2mKx9@cluster0.example.net/orders?retryWrites=true', 'Zq8vR2mKx9', 'password');
  sample('database-connection-string', 'url jdbc:mysql://app:Zq8vR2mKx9@db.internal:3306/orders', 'Zq8vR2mKx9', 'password');
  const hvs = fake('hvs.', 95);
  sample('hashicorp-vault', `vault ${hvs}`, hvs, 'vault_token');
  const hvb = fake('hvb.', 140);
  sample('hashicorp-vault', `vault ${hvb}`, hvb, 'vault_token');
  const vcp = fake('vcp_', 24);
  sample('vercel', `vercel ${vcp}`, vcp, 'vercel_personal_access_token');
  const dapi = fake('dapi', 32, HEX);
  sample('databricks', `databricks ${dapi}`, dapi, 'databricks_personal_access_token');
  const dckr = fake('dckr_pat_', 27);
  sample('docker', `docker login -p ${dckr}`, dckr, 'docker_personal_access_token');
  const figd = fake('figd_', 40);
  sample('figma', `figma ${figd}`, figd, 'figma_personal_access_token');
  const cfut = `${fake('cfut_', 40)}${fake('', 8, HEX)}`;
  sample('cloudflare', `cloudflare ${cfut}`, cfut, 'cloudflare_user_api_token');
  const tskey = `tskey-auth-${fake('', 12)}-${fake('', 30)}`;
  sample('tailscale', `tailscale up --authkey ${tskey}`, tskey, 'tailscale_auth_key');
}

describe('the rule set', () => {
  it('accounts for every rule of the installed preset', () => {
    const info = ruleSetInfo();
    const ids = (rules as unknown as Array<{ meta: { id: string } }>).map((r) => r.meta.id);
    expect(info.preset).toBe(ids.length);
    // filter-comments would let a tool's output switch redaction off; gcp only reads .json/.p12 files by path.
    expect(info.excluded).toEqual(['@secretlint/secretlint-rule-filter-comments']);
    expect(info.inactive).toEqual(['@secretlint/secretlint-rule-gcp']);
    expect(info.scanners).toBe(ids.length - 2);
    // A rule added upstream runs on the whole text until it gets keywords here: this says so.
    expect(ungatedRules()).toEqual([]);
    expect(Object.keys(RULE_KEYWORDS).sort()).toEqual(ids.filter((id) => !info.excluded.includes(id)).sort());
  });

  it('has a realistic sample for every scanner', () => {
    const scanned = Object.keys(RULE_KEYWORDS).filter((id) => RULE_KEYWORDS[id] !== null);
    expect(Object.keys(SAMPLES).sort()).toEqual(scanned.sort());
  });

  for (const [rule, cases] of Object.entries(SAMPLES)) {
    for (const [text, secret, kind] of cases) {
      it(`${rule.replace('@secretlint/secretlint-rule-', '')}: ${kind}`, () => {
        const whole = findSecretsInWholeText(text);
        expect(whole.length, 'the sample is one the upstream rule reports').toBeGreaterThan(0);
        // Keyword windows change nothing on realistic text.
        expect(findSecrets(text)).toEqual(whole);
        const out = redactRuleSet(text);
        expect(out).not.toContain(secret);
        expect(out).toContain(`[REDACTED:${kind}]`);
        // And through the whole pipeline, whichever pass gets it first.
        expect(redactText(text)).not.toContain(secret);
      });
    }
  }

  it('finds the same in windows as in the whole text when tokens crowd together', () => {
    const tokens = Object.values(SAMPLES).flatMap((cases) => cases.map(([text]) => text));
    const crowded = [tokens.join(' '), tokens.join('\n'), Array.from({ length: 20 }, () => tokens[5]).join(' ')];
    for (const text of crowded) {
      const key = (f: { messageId: string; start: number; end: number }) => `${f.start}:${f.end}:${f.messageId}`;
      expect(findSecrets(text).map(key).sort()).toEqual(findSecretsInWholeText(text).map(key).sort());
    }
  });

  it('keeps the host of a URL and the start of a Slack webhook', () => {
    expect(redactRuleSet(`x https://hooks.slack.com/services/T0AB12CD3/B0AB12CD3EF/${fake('', 24)} y`)).toBe(
      'x https://hooks.slack.com/services/[REDACTED:slack_webhook] y',
    );
    expect(redactRuleSet('dial postgresql://app:Zq8vR2mKx9@db.internal:5432/orders')).toBe('dial postgresql://app:[REDACTED:password]@db.internal:5432/orders');
  });

  it('is not switched off by secretlint comments in the output', () => {
    const ghp = fake('ghp_', 36);
    expect(redactRuleSet(`// secretlint-disable\n${ghp}\n// secretlint-enable`)).not.toContain(ghp);
    expect(redactRuleSet(`${ghp} # secretlint-disable-line`)).not.toContain(ghp);
  });

  it('leaves findings alone whose secret an earlier pass already replaced', () => {
    const text = 'postgresql://app:[REDACTED:password]@db.internal:5432/orders';
    expect(redactRuleSet(text)).toBe(text);
  });

  it('names kinds after the rule message when no hand-written pass uses one', () => {
    expect(kindOfMessage('GITHUB_TOKEN')).toBe('github_token');
    expect(kindOfMessage('STRIPE_RESTRICTED_KEY_TEST')).toBe('stripe_key');
    expect(kindOfMessage('HASHICORP_VAULT_BATCH_TOKEN')).toBe('vault_token');
    expect(kindOfMessage('ANTHROPIC_API_KEY')).toBe('anthropic_api_key');
    expect(kindOfMessage('SomeNewMessage')).toBe('some_new_message');
  });

  it('leaves text without any keyword untouched', () => {
    const text = '2024-05-02T14:20:01Z INFO checkout-7d9f8b6c5-x2x9k GET /health 200 latency_ms=41\n'.repeat(100);
    expect(findSecrets(text)).toEqual([]);
    expect(redactRuleSet(text)).toBe(text);
  });
});
