// Each parsing rule on small inputs: fences, shell joining, console prompts, PromQL, attributes, front matter.
import { describe, expect, it } from 'vitest';
import { parseInfoString, parseRunbook, splitConsole, splitShellCommands } from '../../../engine/memory/runbook';

const md = (...lines: string[]) => lines.join('\n');

describe('fences', () => {
  it('shell-like languages and promql are steps; yaml, json, text and no language are context', () => {
    const r = parseRunbook(
      md('# T', '```sh', 'a', '```', '```bash', 'b', '```', '```shell', 'c', '```', '```zsh', 'd', '```', '```promql', 'up == 0', '```',
        '```yaml', 'k: v', '```', '```json', '{}', '```', '```text', 'e', '```', '```', 'f', '```', '~~~bash', 'g', '~~~'),
    );
    expect(r.steps.map((s) => [s.language, s.kind, s.command])).toEqual([
      ['sh', 'shell', 'a'], ['bash', 'shell', 'b'], ['shell', 'shell', 'c'], ['zsh', 'shell', 'd'], ['promql', 'promql', 'up == 0'], ['bash', 'shell', 'g'],
    ]);
    expect(r.contextBlocks.map((b) => [b.language, b.text])).toEqual([['yaml', 'k: v'], ['json', '{}'], ['text', 'e'], ['', 'f']]);
  });

  it('a longer fence holds a shorter one; a tilde fence is not closed by backticks; language is case-insensitive', () => {
    const r = parseRunbook(md('````Bash', 'echo one', '```', 'echo two', '````', '~~~~sh', 'x', '```', '~~~~'));
    expect(r.steps.map((s) => s.commands)).toEqual([['echo one', '```', 'echo two'], ['x', '```']]);
    expect(r.steps[0]!.language).toBe('bash');
  });

  it('headings inside a fence are not sections', () => {
    const r = parseRunbook(md('# A', '```sh', '# not a heading', 'ls', '```', '## B'));
    expect(r.sections.map((s) => s.path)).toEqual([['A'], ['A', 'B']]);
    expect(r.steps[0]!.commands).toEqual(['ls']);
  });

  it('setext headings (a paragraph of several lines becomes one, as CommonMark renders it) and nested section paths', () => {
    const r = parseRunbook(md('Title', '=====', 'text', 'Sub', '---', '### Deep ###', 'x', '# Next'));
    expect(r.sections.map((s) => [s.path, s.startLine, s.endLine])).toEqual([
      [['Title'], 1, 7], [['Title', 'text Sub'], 3, 7], [['Title', 'text Sub', 'Deep'], 6, 7], [['Next'], 8, 8],
    ]);
    expect(r.title).toBe('Title');
  });

  it('text a reader never sees is never a step: HTML comments, HTML blocks, hidden elements', () => {
    const r = parseRunbook(
      md('# T', '<!--', '```sh', 'rm -rf /srv', '```', '-->', '<div hidden>', '', '```sh', 'rm -rf /a', '```', '', '</div>',
        '<p style="display: none">', '', '```sh', 'rm -rf /b', '```', '', '</p>', '<div>', '```sh', 'rm -rf /c', '```', '</div>',
        '<details><summary>More</summary>', '', '```sh', 'kubectl get pods', '```', '', '</details>', '', '```sh', 'uptime', '```',
        // Right after an HTML line, without a blank line, a fence is part of the HTML block: shown as text, not code.
        '<br>', '```sh', 'rm -rf /d', '```'),
    );
    expect(r.steps.map((s) => s.command)).toEqual(['kubectl get pods', 'uptime']);
  });

  it('a step before any heading has an empty section path', () => {
    expect(parseRunbook(md('```sh', 'ls', '```')).steps[0]!.sectionPath).toEqual([]);
  });

  it('an empty shell block is no step, with a warning', () => {
    const r = parseRunbook(md('# T', '```sh', '# TODO: command needed', '```'));
    expect(r.steps).toEqual([]);
    expect(r.warnings).toEqual([{ line: 2, message: 'sh block without any command' }]);
  });
});

describe('shell commands', () => {
  it('joins backslash continuations and drops comments', () => {
    expect(splitShellCommands(['# list pods', 'kubectl get pods \\', '  -n kube-system \\', '  -o wide  # wide output', '', 'echo done'])).toEqual([
      'kubectl get pods -n kube-system -o wide',
      'echo done',
    ]);
  });

  it('keeps # inside quotes, ${#x} and $# ; continues after a trailing pipe or &&', () => {
    expect(splitShellCommands(['echo "a # b" \'c # d\' ${#x} $#', 'ls |', '  wc -l', 'true &&', 'false'])).toEqual([
      'echo "a # b" \'c # d\' ${#x} $#',
      'ls | wc -l',
      'true && false',
    ]);
  });

  it('keeps heredoc bodies, multi-line quotes and loop bodies with their command', () => {
    expect(splitShellCommands(['cat <<EOF > f', 'x # not a comment', 'EOF', "oc patch x -p '{", '  \"a\": 1}\'', 'for p in a b; do', '  echo $p', 'done', 'ls'])).toEqual([
      'cat <<EOF > f\nx # not a comment\nEOF',
      "oc patch x -p '{\n  \"a\": 1}'",
      'for p in a b; do\necho $p\ndone',
      'ls',
    ]);
  });
});

describe('console blocks', () => {
  it('$ lines are commands, the rest is sample output; continuation lines and > prompts join', () => {
    expect(splitConsole(['$ kubectl get pods \\', '>   -n ns', 'NAME  READY', 'web   1/1', '', '$ echo hi', 'hi'])).toEqual({
      commands: ['kubectl get pods -n ns', 'echo hi'],
      sampleOutput: 'NAME  READY\nweb   1/1\n\nhi',
      promptless: false,
    });
  });

  it('# is a root prompt only without $ prompts; next to them it is output', () => {
    expect(splitConsole(['# systemctl restart kubelet', 'ok']).commands).toEqual(['systemctl restart kubelet']);
    expect(splitConsole(['$ curl -s localhost:9100/metrics', '# HELP up whether', 'up 1'])).toEqual({
      commands: ['curl -s localhost:9100/metrics'],
      sampleOutput: '# HELP up whether\nup 1',
      promptless: false,
    });
  });

  it('prefixed prompts (user@host, [root@host], sh-5.1#) are recognised', () => {
    expect(splitConsole(['[root@node ~]# journalctl -u kubelet', 'log line', 'sh-5.1# cat /etc/hosts', '127.0.0.1 localhost', 'me@box:~$ uptime']).commands).toEqual([
      'journalctl -u kubelet',
      'cat /etc/hosts',
      'uptime',
    ]);
  });

  it('a console block without prompts is read like sh and flagged promptless', () => {
    const r = parseRunbook(md('```console', 'kubectl logs -n kube-system kube-proxy-b9g23', '```'));
    expect(r.steps[0]).toMatchObject({ kind: 'shell', commands: ['kubectl logs -n kube-system kube-proxy-b9g23'], promptless: true });
    expect(r.steps[0]!.sampleOutput).toBeUndefined();
  });

  it('a bash fence holding a pasted terminal session gets console rules, its # lines dropped as comments', () => {
    const r = parseRunbook(md('```bash', '# list nodes', '$ oc get nodes', 'NAME STATUS', 'n1   Ready', '```', '```sh', 'sh-5.1# chroot /host', '```'));
    expect(r.steps[0]).toMatchObject({ language: 'bash', commands: ['oc get nodes'], sampleOutput: 'NAME STATUS\nn1   Ready' });
    expect(r.steps[1]).toMatchObject({ language: 'sh', commands: ['chroot /host'] });
    expect(r.steps[1]!.sampleOutput).toBeUndefined();
  });

  it('a console block with an empty prompt and output only is no step and gives no warning', () => {
    const r = parseRunbook(md('```console', '$', 'Error from server (NotFound)', '```'));
    expect(r.steps).toEqual([]);
    expect(r.warnings).toEqual([]);
  });
});

describe('promql blocks', () => {
  it('each blank-line separated query is one command; # comments are dropped', () => {
    const r = parseRunbook(md('```promql', '# errors', 'sum(rate(http_errors_total{namespace="<namespace>"}[5m]))', '', 'up{job="$job"} == 0', '```'));
    expect(r.steps[0]).toMatchObject({
      kind: 'promql',
      commands: ['sum(rate(http_errors_total{namespace="<namespace>"}[5m]))', 'up{job="$job"} == 0'],
    });
    expect(r.steps[0]!.placeholders.map((p) => `${p.form}:${p.name}`)).toEqual(['angle:namespace', 'env:job']);
  });
});

describe('fence attributes', () => {
  it('reads Runme JSON, keeps unknown keys and validates risk', () => {
    expect(parseInfoString('sh {"name":"restart","risk":"write","interactive":false}')).toEqual({
      language: 'sh',
      attributes: { name: 'restart', risk: 'write', interactive: false },
      declaredRisk: 'write',
      problems: [],
    });
  });

  it('reads the simple form key=value, quoted values, bare flags and Runme legacy braces', () => {
    expect(parseInfoString('bash risk=read name="disk usage" timeout=30 excludeFromRunAll')).toMatchObject({
      language: 'bash',
      attributes: { risk: 'read', name: 'disk usage', timeout: 30, excludeFromRunAll: true },
      declaredRisk: 'read',
    });
    expect(parseInfoString('sh { name=restart risk=write }')).toMatchObject({ attributes: { name: 'restart', risk: 'write' }, declaredRisk: 'write', problems: [] });
  });

  it('invalid JSON and an unknown risk become warnings on the fence line; the step stays', () => {
    const r = parseRunbook(md('# T', '```sh {"name": "x",', 'ls', '```', '```sh {"risk":"dangerous"}', 'rm -rf x', '```'));
    expect(r.steps.map((s) => [s.commands, s.attributes, s.declaredRisk])).toEqual([
      [['ls'], {}, undefined],
      [['rm -rf x'], { risk: 'dangerous' }, undefined],
    ]);
    expect(r.warnings.map((w) => w.line)).toEqual([2, 5]);
    expect(r.warnings[0]!.message).toMatch(/^invalid JSON fence attributes/);
    expect(r.warnings[1]!.message).toBe('declared risk must be "read" or "write", got "dangerous"');
  });

  it('a JSON array or junk after the language is a warning', () => {
    expect(parseInfoString('sh [1,2]').problems).toHaveLength(1);
    expect(parseInfoString('sh {"a":1} trailing').problems).toHaveLength(1);
    expect(parseInfoString('sh "unclosed').problems).toHaveLength(1);
  });
});

describe('front matter', () => {
  it('reads flat keys, unquotes values, skips nested ones with a warning and counts its lines', () => {
    const r = parseRunbook(md('---', 'title: "Disk full"', "severity: 'critical'", 'weight: 20 # order', 'aliases:', '  - /x/', '---', '# Heading', '```sh', 'df -h', '```'));
    expect(r.metadata).toEqual({ title: 'Disk full', severity: 'critical', weight: '20' });
    expect(r.title).toBe('Disk full');
    expect(r.warnings).toEqual([{ line: 1, message: 'front matter: 2 line(s) that are not flat key: value pairs were skipped' }]);
    expect(r.steps[0]!.startLine).toBe(9);
  });

  it('an unclosed front matter is read as Markdown with a warning', () => {
    const r = parseRunbook(md('---', 'title: x', '# Real title'));
    expect(r.metadata).toEqual({});
    expect(r.title).toBe('Real title');
    expect(r.warnings[0]!.message).toMatch(/not closed/);
  });

  it('without front matter, the title is the first level-1 heading, else null', () => {
    expect(parseRunbook(md('## Sub', '# Main')).title).toBe('Main');
    expect(parseRunbook('just text').title).toBeNull();
  });
});

describe('commands in prose', () => {
  it('inline code that is a command becomes a step with its sentence and line; names and references do not', () => {
    const r = parseRunbook(
      md('# KubePodCrashLooping', '## Diagnosis', '',
        '- Check template via `kubectl -n $NAMESPACE get pod $POD`.',
        '- Check pod logs via `kubectl -n $NAMESPACE logs $POD -c $CONTAINER`',
        '- The `virt-handler` pod runs `kubectl` and `kubectl get`; see `CrashLoopBackOff` and `oc describe pod ...`.',
        '- `kubectl is the CLI`, and `df` shows free space.',
        '', 'Query `rate(http_requests_total{job="api"}[5m])` and run:', '$ uptime', '',
        '    ls /var/log', '    du -sh /var/log', '', 'It prints:', '',
        '    NAME   READY', '    api-0  1/1'),
    );
    expect(r.steps.map((s) => [s.origin, s.kind, s.command, s.startLine])).toEqual([
      ['prose', 'shell', 'kubectl -n $NAMESPACE get pod $POD', 4],
      ['prose', 'shell', 'kubectl -n $NAMESPACE logs $POD -c $CONTAINER', 5],
      ['prose', 'shell', 'df', 7],
      ['prose', 'promql', 'rate(http_requests_total{job="api"}[5m])', 9],
      ['prose', 'shell', 'uptime', 10],
      ['indented', 'shell', 'ls /var/log\ndu -sh /var/log', 12],
    ]);
    expect(r.steps[0]).toMatchObject({ description: 'Check template via `kubectl -n $NAMESPACE get pod $POD`.', placeholders: [{ name: 'NAMESPACE' }, { name: 'POD' }] });
    expect(r.prose.filter((p) => !p.hasCommand).map((p) => p.text)).toEqual(['The `virt-handler` pod runs `kubectl` and `kubectl get`; see `CrashLoopBackOff` and `oc describe pod ...`.', 'It prints:']);
  });

  it('a command also in a fenced block of the runbook is not repeated', () => {
    const r = parseRunbook(md('# T', 'Run `kubectl get nodes` first:', '', '```sh', 'kubectl get nodes', '```'));
    expect(r.steps.map((s) => [s.origin ?? 'fence', s.command])).toEqual([['fence', 'kubectl get nodes']]);
  });
});
