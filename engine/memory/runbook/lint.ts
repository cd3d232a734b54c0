// The runbook quality report: what keeps a runbook from being automated, line by line, so a team can improve its
// runbooks with the product (`runbook-agent lint`, and Problems in the editor). Pure: a parsed runbook in,
// findings out.
import { classifyCommand } from '../../execution/risk';
import { TABLE } from '../../execution/risk/commands';
import { parseShell } from '../../execution/risk/parse';
import { isProseCommand } from './prose';
import { asFilled } from './placeholders';
import type { ParsedRunbook, Placeholder } from './schema';

export interface LintFinding {
  readonly line: number;
  readonly rule: 'prose-command' | 'unparsed-command' | 'unfilled-placeholder' | 'write-without-verification' | 'verification-without-threshold' | 'parse-warning';
  readonly message: string;
}

/** Labels alerts carry by convention (Prometheus, kube-state-metrics, node-exporter) and the placeholder table. */
const KNOWN_LABELS = new Set(
  `alertname severity namespace ns project pod pod_name container node node_name nodename host hostname instance job job_name service svc
  deployment deploy statefulset sts daemonset ds pvc persistentvolumeclaim pv persistentvolume mountpoint device fstype unit name cluster
  endpoint route exported_namespace exported_pod value threshold`.split(/\s+/).filter(Boolean),
);
const PHASES = /^(diagnos|investigat|troubleshoot|check|symptom|triage|mitigat|remediat|resolution|fix|recover|workaround|verif|validat|confirm)/i;
const VERIFY = /^(verif|validat|confirm)/i;

function placeholderName(p: Placeholder): string {
  const base = p.form === 'template' ? p.name.slice(p.name.indexOf('.') + 1) : p.name;
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/_name$/, '');
}

/** `own`: the runbook's front matter `placeholders: NAME=label, …`. */
export function lintRunbook(runbook: ParsedRunbook): LintFinding[] {
  const out: LintFinding[] = [];
  const own = new Set((runbook.metadata.placeholders ?? '').split(',').map((p) => p.split('=')[0]!.trim().toLowerCase()).filter(Boolean));
  for (const w of runbook.warnings) out.push({ line: w.line, rule: 'parse-warning', message: w.message });
  // Inline code that starts like a command but cannot run as one (an object elided, a verb without its object).
  for (const p of runbook.prose) {
    for (const m of p.text.matchAll(/`([^`\n]+)`/g)) {
      const code = m[1]!.trim();
      const program = code.split(/\s+/)[0] ?? '';
      if (!Object.hasOwn(TABLE, program) || code === program || isProseCommand(code)) continue;
      out.push({ line: p.startLine, rule: 'prose-command', message: `\`${code}\` looks like a command but is not one the engine can run (an elided or missing argument?); write it out, or put it in a sh fence` });
    }
  }
  for (const s of runbook.steps) {
    if (s.kind === 'shell' && !s.promptless) {
      const masked = asFilled(s.command, s.placeholders).replace(/\{\{[^{}]*\}\}/g, 'x').replace(/<[A-Za-z][^<>\n]{0,80}>/g, 'x');
      const parsed = parseShell(masked);
      if (!parsed.ok) out.push({ line: s.startLine, rule: 'unparsed-command', message: `this command does not parse as shell (${parsed.error.trim()}), so it can only wait for a person` });
    }
    for (const p of s.placeholders) {
      const name = placeholderName(p);
      if (KNOWN_LABELS.has(name) || own.has(p.name.toLowerCase())) continue;
      out.push({ line: s.startLine, rule: 'unfilled-placeholder', message: `no alert label fills ${p.raw} by convention: every run will ask for it; name the label in the front matter (placeholders: ${p.name}=LABEL) or use the label's name` });
    }
  }
  const writes = runbook.steps.filter((s) => s.kind === 'shell' && (s.declaredRisk === 'write' || classifyCommand(asFilled(s.command, s.placeholders).replace(/<[A-Za-z][^<>\n]{0,80}>/g, 'x')).risk === 'write'));
  const verifies = runbook.steps.filter((s) => s.sectionPath.some((h) => VERIFY.test(h)));
  if (writes.length > 0 && verifies.length === 0) {
    out.push({ line: writes[0]!.startLine, rule: 'write-without-verification', message: `${writes.length} step(s) change something, and no Verification section says how to tell it worked: add one with a command and an expect threshold` });
  }
  for (const v of verifies) {
    if (v.kind === 'shell' && v.attributes.expect === undefined) {
      out.push({ line: v.startLine, rule: 'verification-without-threshold', message: 'this verification has no threshold: add {"expect":{"lessThan":…}} (or contains/empty) to the fence, or the engine can only check that it exits 0' });
    }
  }
  if (runbook.steps.length === 0 && !runbook.sections.some((s) => PHASES.test(s.title))) {
    out.push({ line: 1, rule: 'prose-command', message: 'no command and no Diagnosis/Mitigation/Verification section: the engine can only offer its built-in diagnostics and a checklist' });
  }
  return out.sort((a, b) => a.line - b.line);
}
