// parseRunbook never throws: binary data, unterminated fences, CRLF, huge lines, random text.
import { describe, expect, it } from 'vitest';
import { ParsedRunbook, parseRunbook } from '../../../engine/memory/runbook';

describe('robustness', () => {
  it('binary data and non-strings come back as a warning', () => {
    const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    expect(parseRunbook(bin).warnings[0]!.message).toMatch(/binary/);
    expect(parseRunbook(undefined as unknown as string).warnings[0]!.message).toBe('not text: got undefined');
    expect(parseRunbook(42 as unknown as string).steps).toEqual([]);
  });

  it('an unterminated fence runs to the end with a warning and still yields its step', () => {
    const r = parseRunbook('# T\n\n```bash\n$ kubectl get svc\n\n## Mitigation\n');
    expect(r.warnings).toEqual([{ line: 3, message: 'unterminated code fence: it runs to the end of the file' }]);
    expect(r.steps[0]).toMatchObject({ startLine: 3, endLine: 6, commands: ['kubectl get svc'] });
    expect(r.sections.map((s) => s.title)).toEqual(['T']);
  });

  it('CRLF and lone CR line endings give the same result as LF', () => {
    const lf = '---\ntitle: x\n---\n# A\n```sh {"risk":"read"}\nls \\\n  -la\n```\n';
    const strip = (r: ParsedRunbook) => ({ ...r, warnings: r.warnings });
    expect(strip(parseRunbook(lf.replace(/\n/g, '\r\n')))).toEqual(strip(parseRunbook(lf)));
    expect(parseRunbook(lf.replace(/\n/g, '\r')).steps[0]!.commands).toEqual(['ls -la']);
    expect(parseRunbook(`\uFEFF${lf}`).metadata).toEqual({ title: 'x' });
  });

  it('huge lines and pathological repetition parse in linear time', () => {
    const huge = ['# T', '```sh', `echo ${'$A <b {{ $labels.x '.repeat(20_000)}`, `${'\\'.repeat(50_001)}`, `${'<'.repeat(100_000)}`, '```', `${'#'.repeat(100_000)} x`, `\`\`\`sh ${'{'.repeat(50_000)}`].join('\n');
    const t0 = performance.now();
    const r = parseRunbook(huge);
    expect(performance.now() - t0).toBeLessThan(5000);
    // Unclosed `{{` is no template, so its `$labels` reads as a variable; `<b {{...` never closes either.
    expect(r.steps[0]!.placeholders.map((p) => `${p.form}:${p.name}`)).toEqual(['env:A', 'env:labels']);
    expect(r.warnings.length).toBeGreaterThan(0);
  });

  it('inputs built to make regular expressions backtrack stay fast', () => {
    const n = 100_000;
    const text = [
      '---', `k: v${' '.repeat(n)}x`, '---', `# a${' '.repeat(n)}b`, `## ${' #'.repeat(n)}`, '```sh',
      ` x a[${' x a['.repeat(n / 5)}`, `read ${'-a 1 '.repeat(n / 5)}!`, `echo ${'<a'.repeat(n / 2)}`, `echo ${'{{ $labels.'.repeat(n / 10)}`,
      `${'$'.repeat(n)}{${'x'.repeat(n)}`, '```', '```console', `user@${'a'.repeat(n)}`, '```',
    ].join('\n');
    const t0 = performance.now();
    const r = parseRunbook(text);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.sections[0]!.title).toBe(`a${' '.repeat(n)}b`.slice(0, 200));
    expect(r.steps).toHaveLength(2);
  });

  it('random Markdown-ish text never throws and always matches the schema', () => {
    const pieces = ['```', '~~~', '```sh', '```console', '```promql', '```sh {"risk":', '$ ', '# ', '---', '\\', "'", '"', '<<EOF', 'EOF', '<x>', '$X', '{{ $value }}', '\n', '\r\n', ' ', 'for', 'do', 'done', '\u0000', '\uD800'];
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 300; n++) {
      let text = '';
      for (let i = 0; i < 200; i++) text += pieces[Math.floor(rand() * pieces.length)];
      const r = parseRunbook(text, { path: `fuzz-${n}.md` });
      expect(() => ParsedRunbook.parse(r)).not.toThrow();
    }
  });
});
