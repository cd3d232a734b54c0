// The demo workspace's runbooks, parsed end to end: exact steps, commands, attributes and placeholders.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParsedRunbook, parseRunbook, stepId } from '../../../engine/memory/runbook';

const DIR = path.resolve(__dirname, '..', '..', '..', 'examples', 'demo-workspace', 'runbooks');
const parse = (name: string) => parseRunbook(fs.readFileSync(path.join(DIR, name), 'utf8'), { path: `runbooks/${name}` });
const brief = (r: ParsedRunbook) =>
  r.steps.map((s) => ({
    section: s.sectionPath.at(-1),
    lines: [s.startLine, s.endLine],
    language: s.language,
    commands: s.commands,
    ...(s.name ? { name: s.name } : {}),
    ...(s.declaredRisk ? { risk: s.declaredRisk } : {}),
    ...(s.placeholders.length ? { placeholders: s.placeholders.map((p) => `${p.form}:${p.name}`) } : {}),
    ...(s.sampleOutput !== undefined ? { sampleOutput: s.sampleOutput } : {}),
  }));

describe('demo workspace runbooks', () => {
  it('checkout-service-down: front matter, sections with line ranges, indented fences in a list, a named step', () => {
    const r = parse('checkout-service-down.md');
    expect(ParsedRunbook.parse(r)).toEqual(r);
    expect(r.title).toBe('Checkout service down');
    expect(r.metadata).toEqual({ title: 'Checkout service down', alert: 'DemoCheckoutDown' });
    expect(r.warnings).toEqual([]);
    expect(r.sections.map((s) => [s.path.join(' > '), s.startLine, s.endLine])).toEqual([
      ['Checkout service down', 6, 52],
      ['Checkout service down > Meaning', 8, 11],
      ['Checkout service down > Impact', 12, 15],
      ['Checkout service down > Diagnosis', 16, 35],
      ['Checkout service down > Mitigation', 36, 49],
      ['Checkout service down > Escalation', 50, 52],
    ]);
    expect(brief(r)).toEqual([
      { section: 'Diagnosis', lines: [20, 22], language: 'sh', commands: ['sh services/checkout/ctl.sh status'] },
      { section: 'Diagnosis', lines: [26, 28], language: 'bash', commands: ['tail -n 20 services/checkout/service.log'] },
      { section: 'Diagnosis', lines: [32, 34], language: 'sh', commands: ['cat config/checkout.env'] },
      { section: 'Mitigation', lines: [40, 42], language: 'sh', commands: ['sh services/checkout/ctl.sh restart'], name: 'restart-checkout' },
      { section: 'Mitigation', lines: [46, 48], language: 'sh', commands: ['cp config/checkout.env.good config/checkout.env && sh services/checkout/ctl.sh restart'] },
    ]);
    // `<service-name>` is in prose (Escalation), not in a step.
    expect(r.steps.flatMap((s) => s.placeholders)).toEqual([]);
  });

  it('high-error-rate: a block of three commands is one step; sed -i keeps its quotes', () => {
    const r = parse('high-error-rate.md');
    expect(brief(r)).toEqual([
      { section: 'Diagnosis', lines: [19, 23], language: 'sh', commands: ['grep -c ERROR logs/app.log', 'grep -c . logs/app.log', 'grep ERROR logs/app.log | tail -n 5'] },
      { section: 'Diagnosis', lines: [27, 29], language: 'sh', commands: ['grep new_pricing config/features.env'] },
      { section: 'Mitigation', lines: [35, 37], language: 'sh', commands: ["sed -i 's/^new_pricing=on$/new_pricing=off/' config/features.env"] },
      { section: 'Verification', lines: [43, 45], language: 'sh', commands: ['sleep 5 && grep -c ERROR logs/app.log'] },
    ]);
    expect(r.steps[0]!.command).toBe('grep -c ERROR logs/app.log\ngrep -c . logs/app.log\ngrep ERROR logs/app.log | tail -n 5');
  });

  it('job-queue-backlog: declared risk from JSON attributes and a $BATCH_SIZE placeholder; a template in prose is ignored', () => {
    const r = parse('job-queue-backlog.md');
    expect(brief(r)).toEqual([
      { section: 'Diagnosis', lines: [18, 21], language: 'sh', commands: ['ls queue/pending | wc -l', 'ls -t queue/pending | tail -n 5'] },
      { section: 'Diagnosis', lines: [25, 27], language: 'sh', commands: ["grep -l 'attempts=[5-9]' queue/pending/* | head"] },
      { section: 'Mitigation', lines: [33, 35], language: 'sh', commands: ['sh bin/drain-queue.sh --batch $BATCH_SIZE'], name: 'drain-queue', risk: 'write', placeholders: ['env:BATCH_SIZE'] },
      { section: 'Mitigation', lines: [39, 41], language: 'sh', commands: ["mkdir -p queue/poison && grep -l 'attempts=[5-9]' queue/pending/* | xargs -r mv -t queue/poison/"] },
    ]);
    expect(r.steps[2]!.attributes).toEqual({ name: 'drain-queue', risk: 'write' });
    expect(r.steps[2]!.placeholders).toEqual([{ form: 'env', raw: '$BATCH_SIZE', name: 'BATCH_SIZE' }]);
  });

  it('log-volume-filling-up: console prompt vs sample output, find -exec {} + is not a placeholder', () => {
    const r = parse('log-volume-filling-up.md');
    expect(r.metadata.owner).toBe('platform-team');
    expect(brief(r)).toEqual([
      { section: 'Diagnosis', lines: [23, 26], language: 'sh', commands: ['du -sh logs/', 'ls -lS logs/ | head -n 10'], name: 'log-usage' },
      { section: 'Diagnosis', lines: [30, 33], language: 'console', commands: ["find logs/ -name '*.log' -mmin +1440 | wc -l"], sampleOutput: '42' },
      { section: 'Mitigation', lines: [39, 41], language: 'sh', commands: ["find logs/ -name '*.log' -mmin +1440 -exec gzip -9 {} +"], name: 'compress-old-logs', risk: 'write' },
      { section: 'Mitigation', lines: [45, 47], language: 'sh', commands: ["find logs/ -name '*.log.gz' -mtime +$RETENTION_DAYS -delete"], name: 'delete-old-archives', risk: 'write', placeholders: ['env:RETENTION_DAYS'] },
      { section: 'Verification', lines: [51, 53], language: 'sh', commands: ['du -sm logs/ | cut -f1'] },
    ]);
  });

  it('step ids derive from path, section path and index; content hashes from the command', () => {
    const r = parse('high-error-rate.md');
    expect(r.steps.map((s) => s.id)).toEqual([
      stepId('runbooks/high-error-rate.md', ['High error rate', 'Diagnosis'], 1),
      stepId('runbooks/high-error-rate.md', ['High error rate', 'Diagnosis'], 2),
      stepId('runbooks/high-error-rate.md', ['High error rate', 'Mitigation'], 1),
      stepId('runbooks/high-error-rate.md', ['High error rate', 'Verification'], 1),
    ]);
    expect(new Set(r.steps.map((s) => s.id)).size).toBe(4);
    expect(r.steps[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    // Editing a command elsewhere changes that step's content hash but no id.
    const text = fs.readFileSync(path.join(DIR, 'high-error-rate.md'), 'utf8').replace('grep new_pricing', 'grep -n new_pricing');
    const edited = parseRunbook(text, { path: 'runbooks/high-error-rate.md' });
    expect(edited.steps.map((s) => s.id)).toEqual(r.steps.map((s) => s.id));
    expect(edited.steps[1]!.contentHash).not.toBe(r.steps[1]!.contentHash);
    expect(edited.steps[0]!.contentHash).toBe(r.steps[0]!.contentHash);
  });
});
