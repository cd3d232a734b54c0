import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../../engine/memory/runbook/lint';
import { asFilled, findPlaceholders } from '../../../engine/memory/runbook/placeholders';
import { parseRunbook } from '../../../engine/memory/runbook';
import { classifyCommand } from '../../../engine/execution/risk';

describe('a command judged as it will run once its placeholders are filled', () => {
  it('kubectl read verbs with $NAMESPACE / <pod-name> / {{ $labels.x }} are reads, and $POD_NAME is replaced whole', () => {
    for (const command of ['kubectl -n $NAMESPACE describe pod $POD', 'kubectl -n <namespace> logs <pod-name> -c $POD_NAME', 'kubectl get pod -n {{ $labels.namespace }} {{ $labels.pod }}']) {
      const filled = asFilled(command, findPlaceholders(command, { shell: true }));
      expect(filled, command).not.toMatch(/[$<{]/);
      expect(classifyCommand(filled).risk, filled).toBe('read');
    }
    // Unfilled, the classifier cannot know the words: that is why lint and CodeLens judge the filled form.
    expect(classifyCommand('kubectl -n $NAMESPACE describe pod $POD').risk).toBe('write');
  });

  it('a write stays a write', () => {
    const command = 'kubectl -n $NAMESPACE delete pod $POD';
    expect(classifyCommand(asFilled(command, findPlaceholders(command, { shell: true }))).risk).toBe('write');
  });

  it('lint does not call a prose runbook of kubectl reads "steps that change something"', () => {
    const text = '# KubePodCrashLooping\n\n## Diagnosis\n\n- Check pod events via `kubectl -n $NAMESPACE describe pod $POD`\n- Check pod logs via `kubectl -n $NAMESPACE logs $POD -c $CONTAINER`\n';
    const findings = lintRunbook(parseRunbook(text, { path: 'r.md' }));
    expect(findings.map((f) => f.rule)).not.toContain('write-without-verification');
    const writes = '# Disk\n\n## Mitigation\n\n- Delete it: `kubectl -n $NAMESPACE delete pod $POD`\n';
    expect(lintRunbook(parseRunbook(writes, { path: 'w.md' })).map((f) => f.rule)).toContain('write-without-verification');
  });
});
