// The runbook planner on the demo workspace, with the demo alerts normalised by engine/control/alert and a small
// lexical search over the workspace's Markdown sections (helpers.ts), so retrieval hits are real.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeAlerts, normalizeAlertText } from '../../../../engine/control/alert';
import { answerMarker } from '../../../../engine/control/workflow/answers';
import { ClassifiedError } from '../../../../engine/control/workflow/failures';
import { context, DEMO, NO_PROMQL, plan, type PlannedStep } from './helpers';

const alert = (name: string) => normalizeAlerts(JSON.parse(fs.readFileSync(path.join(DEMO, 'alerts', name), 'utf8')))[0]!;
const phases = (steps: PlannedStep[]) => steps.map((s) => s.phase);
const isOrdered = (steps: PlannedStep[]) => {
  const rank = { diagnose: 0, mitigate: 1, verify: 2 } as Record<string, number>;
  return steps.every((s, i) => i === 0 || rank[s.phase!]! >= rank[steps[i - 1]!.phase!]!);
};

describe('runbook planner on the demo workspace', () => {
  it('checkout-down: front matter picks the runbook; diagnostics first; writes marked (the policy gate makes them wait)', async () => {
    const { steps, summary, result } = await plan(context(DEMO), alert('checkout-down.json'));
    expect(summary).toMatch(/^Runbook runbooks\/checkout-service-down\.md: front matter of runbooks\/checkout-service-down\.md says alert: DemoCheckoutDown\./);
    expect(steps.map((s) => [s.phase, s.risk, s.input.command])).toEqual([
      ['diagnose', 'write', 'sh services/checkout/ctl.sh status'],
      ['diagnose', 'read', 'tail -n 20 services/checkout/service.log'],
      ['diagnose', 'read', 'cat config/checkout.env'],
      ['mitigate', 'write', 'sh services/checkout/ctl.sh restart'],
      ['mitigate', 'write', 'cp config/checkout.env.good config/checkout.env && sh services/checkout/ctl.sh restart'],
    ]);
    expect(steps[3]!.id).toBe('restart-checkout');
    expect(steps[0]!.id).toBe('diagnosis-1');
    expect(steps[4]!.rationale).toBe('mitigate step from section "Mitigation"; write: `cp` is not known to be read-only');
    expect(steps[1]!.source).toMatchObject({ path: 'runbooks/checkout-service-down.md', startLine: 26, endLine: 28, heading: 'Diagnosis', docVersion: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // The lexical search returned the Diagnosis chunk of this runbook: the steps in it cite that chunk.
    expect(steps[1]!.source!.chunkId).toMatch(/^\d+$/);
    expect(result.snapshot!.length).toBeGreaterThan(0);
    expect(result.snapshot!.some((h) => h.docId === 'runbooks/checkout-service-down.md')).toBe(true);
  });

  it('log-volume: runbook_url picks the runbook; a missing value becomes one question right before its step', async () => {
    const { steps, summary } = await plan(context(DEMO), alert('log-volume-filling-up.json'));
    expect(summary).toContain('annotations.runbook_url names runbooks/log-volume-filling-up.md');
    expect(steps.map((s) => s.id)).toEqual(['log-usage', 'diagnosis-2', 'compress-old-logs', 'ask-retention-days', 'delete-old-archives', 'verification-1']);
    expect(isOrdered(steps)).toBe(true);
    const ask = steps[3]!;
    expect(ask).toMatchObject({ tool: 'ask_person', approval: false, input: { name: 'retention_days' } });
    expect(ask.input.question).toContain('$RETENTION_DAYS');
    expect(ask.input.question).toContain('delete-old-archives');
    expect(ask.input.question).toContain('"Mitigation"');
    expect(steps[4]!.input.command).toBe(`find logs/ -name '*.log.gz' -mtime +${answerMarker('retention_days')} -delete`);
    expect(steps[4]).toMatchObject({ risk: 'write' });
    // The verification fence's expect attribute, filled from labels.threshold_mb and read as a number.
    expect(steps[5]).toMatchObject({ phase: 'verify', input: { command: 'du -sm logs/ | cut -f1' }, check: { lessThan: 10 } });
  });

  it('a value the alert carries fills the placeholder; a hostile one stays a single quoted argument', async () => {
    const base = alert('log-volume-filling-up.json');
    const good = await plan(context(DEMO), { ...base, labels: { ...base.labels, retention_days: '7' } });
    expect(good.steps.find((s) => s.id === 'delete-old-archives')!.input.command).toBe("find logs/ -name '*.log.gz' -mtime +7 -delete");
    expect(good.steps.some((s) => s.tool === 'ask_person')).toBe(false);
    const evil = await plan(context(DEMO), { ...base, labels: { ...base.labels, retention_days: '1 -o -exec rm -rf / ; $(reboot)' } });
    expect(evil.steps.find((s) => s.id === 'delete-old-archives')!.input.command).toBe("find logs/ -name '*.log.gz' -mtime +'1 -o -exec rm -rf / ; $(reboot)' -delete");
  });

  it('pasted text with a batch size fills $BATCH_SIZE; retrieval finds the runbook', async () => {
    const [a] = normalizeAlertText('DemoQueueBacklog: jobs pile up in queue/pending\nbatch_size=50\nseverity=warning');
    const { steps, summary } = await plan(context(DEMO), a!);
    expect(summary).toContain('runbooks/job-queue-backlog.md');
    expect(steps.find((s) => s.id === 'drain-queue')!.input.command).toBe('sh bin/drain-queue.sh --batch 50');
    expect(phases(steps)).toEqual(['diagnose', 'diagnose', 'mitigate', 'mitigate']);
  });

  it('with no name and no link, retrieval ranks the runbook that matches the words', async () => {
    const [a] = normalizeAlertText('Too many ERROR lines after the new_pricing feature flag change');
    const { steps, summary } = await plan(context(DEMO), a!);
    expect(summary).toMatch(/retrieval ranked runbooks\/high-error-rate\.md first/);
    expect(steps.at(-1)).toMatchObject({ phase: 'verify', check: { exitCode: 0 } });
    expect(steps.find((s) => s.input.command?.startsWith('sed -i'))).toMatchObject({ phase: 'mitigate', risk: 'write' });
  });

  it('re-plans without rejected steps, keeps ids stable, and escalates when no mitigation is left', async () => {
    const a = alert('log-volume-filling-up.json');
    const first = await plan(context(DEMO), a);
    const second = await plan(context(DEMO), a, { rejected: [{ stepId: 'compress-old-logs', reason: 'not during business hours' }] });
    expect(second.steps.map((s) => s.id)).toEqual(first.steps.map((s) => s.id).filter((id) => id !== 'compress-old-logs'));
    // Refusing the question removes the step that needed the answer.
    const noAnswer = await plan(context(DEMO), a, { rejected: [{ stepId: 'ask-retention-days', reason: 'I will not guess' }] });
    expect(noAnswer.steps.map((s) => s.id)).not.toContain('delete-old-archives');
    expect(noAnswer.steps.map((s) => s.id)).toContain('compress-old-logs');
    const both = plan(context(DEMO), a, { rejected: [{ stepId: 'compress-old-logs', reason: 'no' }, { stepId: 'delete-old-archives', reason: 'never delete' }] });
    await expect(both).rejects.toBeInstanceOf(ClassifiedError);
    await expect(both).rejects.toMatchObject({ failureClass: 'permanent', message: expect.stringMatching(/^nothing left to try in runbooks\/log-volume-filling-up\.md: person rejected compress-old-logs \(no\), delete-old-archives \(never delete\)/) });
  });

  it('bounds the plan by maxSteps and keeps the first mitigation', async () => {
    const { steps, summary } = await plan(context(DEMO), alert('checkout-down.json'), { maxSteps: 2 });
    expect(steps.map((s) => s.phase)).toEqual(['diagnose', 'mitigate']);
    expect(steps[1]!.id).toBe('restart-checkout');
    expect(summary).toMatch(/kept 2 of 5 runbook steps \(maxSteps 2\)/);
  });

  it('adds the alert expression as the last verification only when the PromQL tool exists', async () => {
    const a = { ...alert('checkout-down.json'), annotations: { summary: 'down', expr: 'time() - checkout_heartbeat_seconds > 60' } };
    const withTool = await plan(context(DEMO), a);
    expect(withTool.steps.at(-1)).toEqual({ id: 'verify-alert-expression', tool: 'promql_query', input: { query: 'time() - checkout_heartbeat_seconds > 60' }, approval: false, risk: 'read', phase: 'verify', rationale: expect.any(String), check: { empty: true } });
    const fromUrl = await plan(context(DEMO), { ...alert('checkout-down.json'), generatorURL: 'http://prom:9090/graph?g0.expr=up%7Bjob%3D%22checkout%22%7D+%3D%3D+0&g0.tab=1' });
    expect(fromUrl.steps.at(-1)!.input.query).toBe('up{job="checkout"} == 0');
    const without = await plan(context(DEMO, { tools: NO_PROMQL }), a);
    expect(without.steps.some((s) => s.tool === 'promql_query')).toBe(false);
  });

  it('never guesses a runbook: with none, the plan says so and gives a person the next action; a failed search is passed on', async () => {
    const [a] = normalizeAlerts({ alertname: 'ZebraMigrationStalled', summary: 'Zebras stalled' });
    const none = await plan(context(DEMO, { search: async () => [] }), a!);
    expect(none.summary).toMatch(/^No runbook answers ZebraMigrationStalled\./);
    expect(none.steps.at(-1)).toMatchObject({ id: 'no-runbook', tool: 'checklist', input: { item: expect.stringMatching(/No runbook in this workspace answers ZebraMigrationStalled .*add a runbook for it \(front matter `alert: ZebraMigrationStalled`\)/) } });
    const broken = plan(context(DEMO, { search: async () => Promise.reject(Object.assign(new Error('index busy'), { code: 'ECONNRESET' })) }), a!);
    await expect(broken).rejects.toThrow('index busy');
    // A working link still plans when retrieval is down, and says so.
    const linked = await plan(context(DEMO, { search: async () => Promise.reject(new Error('no index')) }), alert('log-volume-filling-up.json'));
    expect(linked.summary).toContain('retrieval failed (no index)');
  });

  it('never follows a runbook reference out of the workspace', async () => {
    const outside = path.relative(DEMO, path.join(DEMO, '..', '..', 'README.md'));
    const a = { ...alert('checkout-down.json'), annotations: { runbook_url: outside }, labels: { alertname: 'Nope', runbook: '/etc/passwd.md' } };
    const run = await plan(context(DEMO, { search: async () => [] }), a);
    expect((run.steps.find((s) => s.id === 'no-runbook')!.input as { item: string }).item).toMatch(/No runbook in this workspace answers Nope \(annotations\.runbook_url "\.\.\/\.\.\/README\.md" matches no Markdown file in the workspace; labels\.runbook "\/etc\/passwd\.md" matches no Markdown file/);
  });
});
