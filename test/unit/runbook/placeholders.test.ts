// Placeholder forms and what must not be mistaken for one.
import { describe, expect, it } from 'vitest';
import { findPlaceholders, parseRunbook } from '../../../engine/memory/runbook';

const shell = (text: string) => findPlaceholders(text, { shell: true }).map((p) => `${p.form}:${p.name}`);

describe('placeholders', () => {
  it('env style: $NAME and ${NAME}, once per name, with a default when given', () => {
    expect(findPlaceholders('kubectl -n $NAMESPACE logs ${POD} ${POD} --since=${SINCE:-1h}', { shell: true })).toEqual([
      { form: 'env', raw: '$NAMESPACE', name: 'NAMESPACE' },
      { form: 'env', raw: '${POD}', name: 'POD' },
      { form: 'env', raw: '${SINCE:-1h}', name: 'SINCE', default: '1h' },
    ]);
  });

  it('ignores well-known and special shell variables, escaped dollars and single-quoted text', () => {
    expect(shell('echo $HOME $PATH $1 $? $@ $# $$ $! $0 \\$LITERAL $(date) $((1+2))')).toEqual([]);
    expect(shell("awk '{print $NF, $X}' | grep \"$PATTERN\"")).toEqual(['env:PATTERN']);
  });

  it('ignores variables assigned earlier in the same block, but not uses before the assignment', () => {
    expect(shell('echo $LATE\nNS=openshift-etcd\nexport POD=$(oc get pod -n $NS -oname)\nfor n in $NODES; do echo $n $POD; done\nread -r ANSWER\necho $ANSWER $LATE\nLATE=1')).toEqual([
      'env:LATE',
      'env:NODES',
    ]);
  });

  it('angle placeholders, including ones with spaces, but not redirections, heredocs or process substitution', () => {
    expect(shell("NODE='<value of instance label from alert>'; oc debug node/<node-name> -n <NAMESPACE>")).toEqual([
      'angle:value of instance label from alert',
      'angle:node-name',
      'angle:NAMESPACE',
    ]);
    expect(shell('sort < input.txt > out.txt; cat <<EOF\nx\nEOF\ndiff <(ls a) <(ls b); tr a b <<<word; x 2>&1 <in')).toEqual([]);
  });

  it('alert template placeholders; other Go templates are part of the command', () => {
    expect(findPlaceholders('kubectl -n {{ $labels.namespace }} get pod {{ .Labels.pod }} # {{ $value }} {{ $labels.job | quote }} {{ .Value }}', { shell: true })).toEqual([
      { form: 'template', raw: '{{ $labels.namespace }}', name: 'labels.namespace' },
      { form: 'template', raw: '{{ .Labels.pod }}', name: 'labels.pod' },
      { form: 'template', raw: '{{ $value }}', name: 'value' },
      { form: 'template', raw: '{{ $labels.job | quote }}', name: 'labels.job' },
    ]);
    // `$labels` inside the template is not an env placeholder; kubectl go-templates are no placeholders.
    expect(shell("oc get nodes -o template --template='{{range .items}}{{.metadata.name}}{{end}}'")).toEqual([]);
  });

  it('placeholders are reported per step, from the commands only (not from comments or sample output)', () => {
    const r = parseRunbook(['# T', '```console', '$ oc get pod -n $NS <pod>   # $IGNORED', 'error in <output-only> $OUT', '```'].join('\n'));
    expect(r.steps[0]!.placeholders.map((p) => `${p.form}:${p.name}`)).toEqual(['angle:pod', 'env:NS']);
  });
});
