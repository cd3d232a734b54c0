// Search and data tools: find (its primaries are the allow-list; -exec is judged by its command), jq, yq,
// ripgrep. None of jq's or yq's expressions can write a file or run a program; their in-place and split-file
// options are simply not listed.
import type { Word } from '../parse';
import { read, worst, write, type Context, type Verdict } from '../verdict';
import type { Spec } from '../spec';

export const data: Record<string, Spec> = {
  jq: {
    flags: '-r -j -a -c -n -e -s -S -C -M -R -0 --raw-output --raw-output0 --join-output --ascii-output --compact-output --null-input --exit-status --slurp --sort-keys --color-output --monochrome-output --raw-input --tab --seq --stream --stream-errors --args --jsonargs',
    values: '-f -L --indent --from-file',
    pairs: '--arg --argjson --slurpfile --rawfile',
  },
  yq: {
    // mikefarah/yq v4 (and kislyuk/yq's -y/-Y); -i/--inplace and -s/--split-exp write files.
    flags: '-C -M -N -P -e -n -r -0 -y -Y --colors --no-colors --no-doc --null-input --prettyPrint --exit-status --unwrapScalar --nul-output --yaml-output --yaml-roundtrip --raw-output',
    values: '-o -p -I --output-format --input-format --indent --expression --from-file',
  },
  rg: {
    flags:
      '-i -S -s -v -w -x -F -n -N -c -l -o -u -uu -uuu -U -z -P -H -I -0 -a -p -q -b --hidden --no-ignore --files --json --vimgrep ' +
      '--no-heading --heading --count --count-matches --files-with-matches --files-without-match --multiline --search-zip --pcre2 ' +
      '--stats --trim --text --pretty --quiet --column --byte-offset --smart-case --ignore-case --case-sensitive --word-regexp ' +
      '--line-regexp --fixed-strings --invert-match --line-number --no-line-number --only-matching --no-messages --follow -L ' +
      '--null --with-filename --no-filename --no-config',
    values: '-e -f -g -t -T -A -B -C -m -j -r -M -E --regexp --file --glob --iglob --type --type-not --after-context --before-context --context --max-count --max-depth --threads --replace --max-columns --sort --sortr --encoding --color --colors',
  },
};

/** find's primaries and how many arguments each takes; `-exec … ;` is judged by its command. */
const PRIMARY_ARGS: Readonly<Record<string, number>> = Object.fromEntries([
  ...`-print -print0 -ls -prune -quit -true -false -not ! -a -and -o -or ( ) , -empty -readable -writable -executable -depth
    -mount -xdev -follow -noleaf -daystart -nouser -nogroup -ignore_readdir_race -noignore_readdir_race`.split(/\s+/).filter(Boolean).map((p) => [p, 0]),
  ...`-name -iname -path -ipath -wholename -iwholename -regex -iregex -type -xtype -size -mtime -mmin -atime -amin -ctime -cmin
    -used -newer -anewer -cnewer -user -group -uid -gid -perm -links -inum -maxdepth -mindepth -samefile -fstype -lname -ilname
    -regextype -printf`.split(/\s+/).filter(Boolean).map((p) => [p, 1]),
]);

export function findRule(args: readonly Word[], ctx: Context): Verdict {
  let i = 0;
  // Options before the starting points: -H -L -P, -D debugopts, -Olevel.
  for (; i < args.length && /^-(H|L|P|O\d*|D)$/.test(args[i]!.text); i++) if (args[i]!.text === '-D') i++;
  // Starting points: anything up to the first word that looks like an expression.
  while (i < args.length && !/^[-!(),]/.test(args[i]!.text)) i++;
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '-exec' || a === '-execdir') {
      const end = args.findIndex((w, j) => j > i && (w.text === ';' || w.text === '+'));
      const inner = args.slice(i + 1, end < 0 ? args.length : end);
      if (inner.length === 0) return write(`\`find ${a}\` without a command`);
      const v = worst(ctx.argv([...inner]), '');
      if ('write' in v) return write(`\`find ${a}\` runs a command that writes: ${v.write}`);
      i = end < 0 ? args.length : end;
      continue;
    }
    const arity = /^-newer[aBcmt][aBcmt]$/.test(a) ? 1 : PRIMARY_ARGS[a];
    if (arity === undefined) return write(`\`find ${a}\` is not known to be read-only`);
    i += arity;
  }
  return read('`find` only lists files');
}
