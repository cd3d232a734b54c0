// Where a value may go in a shell command, and the property that matters: whatever an alert carries, filling a
// runbook command never changes the command's parsed structure (checked against every placeholder of the 381
// public runbooks with seeded random hostile values).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../engine/control/alert';
import { answerName, fillPlaceholders } from '../../../engine/planning/runbook';
import { findOccurrences } from '../../../engine/planning/runbook/spans';
import { parseRunbook, type Placeholder } from '../../../engine/memory/runbook';
import { parseShell, walk } from '../../../engine/execution/risk/parse';
import { placeValue, slotSites, type SlotContext } from '../../../engine/execution/risk/slots';
import { seededRandom } from '../../../engine/control/workflow/clock';

const contextsOf = (template: string, marker = '$V') => {
  const ranges: Array<[number, number]> = [];
  for (let i = template.indexOf(marker); i >= 0; i = template.indexOf(marker, i + 1)) ranges.push([i, i + marker.length]);
  return slotSites(template, ranges)?.map((s) => s.context);
};

describe('slot sites', () => {
  const table: Array<[string, SlotContext]> = [
    ['kubectl logs $V', 'argument'],
    ['kubectl -n "$V" get pods', 'argument'],
    ["kubectl get pods -l 'app=$V'", 'argument'],
    ['echo "$(kubectl get pod $V -o name)"', 'argument'],
    ['[[ $V == running ]]', 'argument'],
    ['(( $V > 300 ))', 'number'],
    ['echo $(( $V / 60 ))', 'number'],
    ['[[ $V -gt 300 ]]', 'number'],
    ['echo ${a[$V]}', 'number'],
    ['echo ${s:$V}', 'number'],
    ['let x=$V', 'number'],
    ["sed -n '/$V/p' log", 'program'],
    ["awk '/$V/ { print }' log", 'program'],
    ["jq '.items[] | select(.name == \"$V\")'", 'program'],
    ['psql -c "select * from t where id = $V"', 'program'],
    ["kubectl get pod x -o jsonpath='{.items[?(@.name==\"$V\")]}'", 'program'],
    ['bash -c "echo $V"', 'program'],
    ['ssh host uptime $V', 'program'],
    ['kubectl exec api-0 -- sh -c "ls $V"', 'program'],
    ['kubectl exec api-0 -- ls $V', 'argument'],
    ['sudo -u postgres psql -c "$V"', 'program'],
    ['kubectl logs x > /tmp/$V.log', 'other'],
    ['NS=$V', 'other'],
    ['export NS=$V', 'other'],
    ['$V get pods', 'other'],
    ['sudo $V', 'other'],
    ['cat <<EOF\n$V\nEOF', 'other'],
    ['echo ${X:-$V}', 'other'],
    ['[[ -v $V ]]', 'other'],
    ['case $V in a) ls;; esac', 'other'],
  ];
  it.each(table)('%s -> %s', (template, context) => {
    expect(contextsOf(template)).toEqual([context]);
  });

  it('says null for a command that does not parse, so nothing but a plain word can go in', () => {
    expect(slotSites("echo '$V", [[6, 8]])).toBeNull();
    expect(placeValue('web-1', null, 'pod', 'the alert')).toMatchObject({ kind: 'review', text: 'web-1' });
    expect(placeValue('a b', null, 'pod', 'the alert')).toMatchObject({ kind: 'ask' });
  });

  it('puts plain words in, quotes the rest for a person to see, and asks where nothing else is safe', () => {
    const arg = { context: 'argument', quote: 'plain', where: 'an argument of `kubectl`' } as const;
    expect(placeValue('web-1', arg, 'pod', "the alert's")).toEqual({ kind: 'insert', text: 'web-1' });
    expect(placeValue('--profile=cpu', arg, 'pod', "the alert's")).toMatchObject({ kind: 'review', text: '--profile=cpu', reason: expect.stringContaining('starts with "-"') });
    expect(placeValue('a b', { ...arg, quote: 'double' }, 'pod', "the alert's")).toMatchObject({ kind: 'review', text: `"'a b'"` });
    expect(placeValue('a b', { ...arg, quote: 'raw' }, 'pod', "the alert's")).toMatchObject({ kind: 'ask' });
    const num = { context: 'number', quote: 'plain', where: 'arithmetic' } as const;
    expect(placeValue('500', num, 'lag', "the alert's")).toEqual({ kind: 'insert', text: '500' });
    expect(placeValue('$(touch x)', num, 'lag', "the alert's")).toMatchObject({ kind: 'ask', reason: expect.stringContaining('is not a number') });
    // Control characters never reach a reason raw (terminal escapes in a label).
    const escaped = placeValue('\u001b]0;pwned\u0007', arg, 'pod', "the alert's");
    expect(escaped.kind === 'review' && escaped.reason).toContain('\\u001b]0;pwned\\u0007');
  });
});

/** Node types whose count and order make a command's structure; a value may change word contents, never these. */
const STRUCTURE = new Set([
  'Stmt', 'CallExpr', 'BinaryCmd', 'Redirect', 'CmdSubst', 'ProcSubst', 'Subshell', 'Block', 'IfClause', 'WhileClause', 'ForClause',
  'CaseClause', 'FuncDecl', 'ArithmExp', 'ArithmCmd', 'TestClause', 'DeclClause', 'LetClause', 'ParamExp', 'BinaryArithm', 'BinaryTest',
  'UnaryTest', 'Assign', 'CoprocClause', 'TimeClause', 'ExtGlob', 'BraceExp',
]);

function structure(command: string): string | null {
  const parsed = parseShell(command);
  if (!parsed.ok) return null;
  const out: string[] = [];
  walk(parsed.file, (n, type) => {
    if (type === 'CallExpr') out.push(`CallExpr/${n.Args.length}/${n.Assigns.length}`);
    else if (STRUCTURE.has(type)) out.push(type);
  });
  return out.join(' ');
}

const ATOMS = ["'", '"', '$(touch /tmp/rba-pwned)', '`id`', '\n', '\0', '-', '--', ';', '|', '&', '>', '<', '(', ')', '{', '}', '[', ']', '*', '?', '~', '\\', '$', '#', ' ', '\t', '=', 'é', '漢', '\u202e', '\u001b[31m', '${x@P}', 'a[$(id)]', '$((1))', '!'];

function hostileValue(random: () => number): string {
  let v = random() < 0.3 ? '-' : '';
  const n = 1 + Math.floor(random() * 6);
  for (let i = 0; i < n; i++) v += random() < 0.4 ? 'ab1'.charAt(Math.floor(random() * 3)) : ATOMS[Math.floor(random() * ATOMS.length)]!;
  return v;
}

const corpus = path.resolve('..', 'shared', 'corpus', 'runbooks');
const markdownFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith('.md') ? [path.join(dir, e.name)] : []));

describe.skipIf(!fs.existsSync(corpus))('filling the public runbooks with hostile values (needs ../shared)', () => {
  it('never changes a command\'s parsed structure, in any placeholder context of any of the 381 runbooks', { timeout: 300_000 }, () => {
    const random = seededRandom(20261202);
    let occurrences = 0;
    let trials = 0;
    const seen = new Map<SlotContext | 'unparsed', number>();
    for (const file of markdownFiles(corpus)) {
      const runbook = parseRunbook(fs.readFileSync(file, 'utf8'), { path: file });
      for (const step of runbook.steps) {
        if (step.kind !== 'shell' || step.placeholders.length === 0) continue;
        const found = findOccurrences(step.command, step.placeholders, true);
        if (found.length === 0) continue;
        occurrences += found.length;
        // The command as the author wrote it, with each placeholder a plain word: the structure to keep.
        const sites = slotSites(step.command, found.map((o) => [o.start, o.end] as const));
        for (const [i] of found.entries()) {
          const c = sites?.[i]?.context ?? 'unparsed';
          seen.set(c, (seen.get(c) ?? 0) + 1);
        }
        const expected = sites === null ? null : structure(withWords(step.command, found, () => 'plainword'));
        for (let t = 0; t < 6; t++) {
          trials++;
          const values = new Map(step.placeholders.map((p) => [answerName(p), hostileValue(random)]));
          const filled = fillPlaceholders(step.command, step.placeholders, alertWith(step.placeholders, values), 'shell');
          // Markers left for questions stand where the value would be; read them as plain words for the comparison.
          const text = filled.text.replace(/\{\{answer:[A-Za-z0-9_.-]+\}\}/g, 'plainword');
          if (expected === null) {
            // A command that does not parse takes no value but a plain word: anything else stays a question.
            const plain = (o: (typeof found)[number]) => {
              const v = values.get(answerName(o.placeholder))!;
              return /^[A-Za-z0-9._:/@+=][A-Za-z0-9._:/@+=-]*$/.test(v) ? v : `{{answer:${answerName(o.placeholder)}}}`;
            };
            expect(filled.text, step.command).toBe(withWords(step.command, found, plain));
            continue;
          }
          expect(structure(text), `${file}:${step.startLine}\n${step.command}\n-> ${filled.text}`).toBe(expected);
        }
      }
    }
    console.log(`fuzzed ${occurrences} placeholder occurrences in ${trials} fills; places: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect(occurrences).toBeGreaterThan(400);
    expect(trials).toBeGreaterThan(1200);
    // The corpus exercises every kind of place a value can land.
    for (const c of ['argument', 'program', 'other'] as const) expect(seen.get(c) ?? 0, c).toBeGreaterThan(0);
  });
});

function withWords(text: string, occurrences: ReturnType<typeof findOccurrences>, word: (o: ReturnType<typeof findOccurrences>[number]) => string): string {
  let out = '';
  let last = 0;
  for (const o of occurrences) {
    out += text.slice(last, o.start) + word(o);
    last = o.end;
  }
  return out + text.slice(last);
}

function alertWith(placeholders: readonly Placeholder[], values: ReadonlyMap<string, string>) {
  const labels: Record<string, string> = {};
  for (const p of placeholders) labels[answerName(p)] = values.get(answerName(p))!;
  // Built past the intake's checks (which refuse NULs) so the filler itself meets every character.
  const [alert] = normalizeAlerts({ alertname: 'Fuzz', labels: { alertname: 'Fuzz' } });
  return { ...alert!, labels: { alertname: 'Fuzz', ...labels }, annotations: { ...labels, value: labels.value ?? '1' } };
}
