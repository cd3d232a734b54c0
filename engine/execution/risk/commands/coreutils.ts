// File, text and process tools that only print. Each lists the flags it accepts; an output file, a program to
// run or an in-place edit is simply not listed, so it makes the command a write.
import { harmlessSinks } from '../args';
import { write } from '../verdict';
import type { Spec } from '../spec';

const SIZE_UNITS = '--si --human-readable -h -k -m -g -b --bytes';

export const coreutils: Record<string, Spec> = {
  cat: { flags: '-A -b -e -E -n -s -t -T -u -v --show-all --number-nonblank --number --squeeze-blank --show-ends --show-tabs --show-nonprinting' },
  tac: { flags: '-b -r --before --regex', values: '-s --separator' },
  head: { flags: '-q -v -z --quiet --silent --verbose --zero-terminated', values: '-c -n --bytes --lines', numeric: true },
  tail: {
    flags: '-f -F -q -v -z --retry --quiet --silent --verbose --zero-terminated',
    values: '-c -n -s --bytes --lines --pid --sleep-interval --max-unchanged-stats',
    optional: '--follow',
    numeric: true,
  },
  grep: {
    flags:
      '-E -F -G -P -i -y -v -w -x -c -L -l -o -q -s -b -H -h -n -T -Z -z -r -R -a -I -U --extended-regexp --fixed-strings ' +
      '--basic-regexp --perl-regexp --ignore-case --no-ignore-case --invert-match --word-regexp --line-regexp --count ' +
      '--files-with-matches --files-without-match --only-matching --quiet --silent --no-messages --byte-offset ' +
      '--with-filename --no-filename --line-number --initial-tab --null --null-data --recursive --dereference-recursive ' +
      '--text --line-buffered',
    values: '-e -f -m -A -B -C -d -D --regexp --file --max-count --after-context --before-context --context --label --include --exclude --exclude-dir --exclude-from --binary-files --devices --directories',
    optional: '--color --colour',
    numeric: true,
  },
  wc: { flags: '-c -m -l -L -w --bytes --chars --lines --max-line-length --words', values: '--files0-from', optional: '--total' },
  ls: {
    flags:
      '-a -A -b -B -c -C -d -f -F -g -G -h -H -i -k -l -L -m -n -N -o -p -q -Q -r -R -s -S -t -u -U -v -x -X -Z -1 --all ' +
      '--almost-all --author --escape --ignore-backups --directory --dired --file-type --full-time --group-directories-first ' +
      '--no-group --human-readable --si --dereference-command-line --dereference-command-line-symlink-to-dir --inode ' +
      '--kibibytes --dereference --numeric-uid-gid --literal --hide-control-chars --show-control-chars --quote-name ' +
      '--reverse --recursive --size --context',
    values: '-I -T -w --block-size --format --hide --indicator-style --ignore --quoting-style --sort --time --time-style --tabsize --width',
    optional: '--color --classify --hyperlink',
  },
  du: {
    flags: `-0 -a -b -c -D -h -H -k -l -L -m -P -s -S -x --null --all --apparent-size --bytes --total --dereference-args --human-readable --inodes --si --summarize --one-file-system --separate-dirs --count-links --dereference --no-dereference`,
    values: '-B -d -t -X --block-size --max-depth --threshold --time-style --exclude-from --exclude --files0-from',
    optional: '--time',
  },
  df: {
    flags: '-a -h -H -i -k -l -P -T -v --all --human-readable --si --inodes --local --portability --print-type --total --sync --no-sync',
    values: '-B -t -x --block-size --type --exclude-type',
    optional: '--output',
  },
  free: { flags: `${SIZE_UNITS} -l -t -v -w --kilo --mega --giga --tera --peta --kibi --mebi --gibi --tebi --pebi --human --lohi --total --wide --line --committed`, values: '-s -c --seconds --count' },
  stat: { flags: '-f -L -t --file-system --dereference --terse', values: '-c --format --printf --cached' },
  file: { flags: '-b -i -k -l -L -N -n -p -r -s -z -Z -0 --brief --mime --mime-type --mime-encoding --keep-going --dereference --no-dereference --no-pad --no-buffer --preserve-date --raw --special-files --uncompress --uncompress-noreport --print0 --apple --extension', values: '-e -F -f -m -P --exclude --separator --files-from --magic-file --parameter' },
  readlink: { flags: '-e -f -m -n -q -s -v -z --canonicalize --canonicalize-existing --canonicalize-missing --no-newline --quiet --silent --verbose --zero' },
  realpath: { flags: '-e -L -m -P -q -s -z --canonicalize-existing --canonicalize-missing --logical --physical --quiet --strip --no-symlinks --zero', values: '--relative-to --relative-base' },
  basename: { flags: '-a -z --multiple --zero', values: '-s --suffix' },
  dirname: { flags: '-z --zero' },
  cut: { flags: '-n -s -z --complement --only-delimited --zero-terminated', values: '-b -c -d -f --bytes --characters --delimiter --fields --output-delimiter' },
  tr: { flags: '-c -C -d -s -t --complement --delete --squeeze-repeats --truncate-set1' },
  column: { flags: '-t -x -n -e -J -L -R --table --fillrows --json --keep-empty-lines', values: '-s -o -c -N -H -O -T -W -E -d -r --separator --output-separator --output-width --table-columns --table-hide --table-order --table-truncate --table-wrap --table-noextreme --table-right --table-name' },
  nl: { flags: '-p --no-renumber', values: '-b -d -f -h -i -l -n -s -v -w --body-numbering --section-delimiter --footer-numbering --header-numbering --line-increment --join-blank-lines --number-format --number-separator --starting-line-number --number-width' },
  fold: { flags: '-b -s --bytes --spaces', values: '-w --width' },
  rev: {},
  comm: { flags: '-1 -2 -3 -z --check-order --nocheck-order --total --zero-terminated', values: '--output-delimiter' },
  diff: {
    flags:
      '-a -b -B -c -d -e -E -i -l -n -N -p -q -r -s -t -T -u -w -y -Z --text --ignore-space-change --ignore-blank-lines ' +
      '--minimal --ignore-tab-expansion --ignore-case --paginate --new-file --show-c-function --brief --recursive ' +
      '--report-identical-files --expand-tabs --initial-tab --side-by-side --ignore-all-space --ignore-trailing-space ' +
      '--strip-trailing-cr --left-column --suppress-common-lines --unidirectional-new-file --normal --ed --rcs --speed-large-files',
    values: '-C -D -F -I -S -U -W -x -X --label --ignore-matching-lines --show-function-line --starting-file --exclude --exclude-from --from-file --to-file --width --tabsize --ifdef --line-format --old-line-format --new-line-format --unchanged-line-format --horizon-lines',
    optional: '--color --context --unified',
  },
  cmp: { flags: '-b -l -s --print-bytes --verbose --quiet --silent', values: '-i -n --ignore-initial --bytes' },
  od: { flags: '-a -b -c -d -f -i -l -o -s -v -x --output-duplicates --traditional', values: '-A -j -N -S -t --address-radix --skip-bytes --read-bytes --strings --format --endian', optional: '-w --width' },
  hexdump: { flags: '-b -c -C -d -o -x -v --canonical --no-squeezing', values: '-e -f -n -s --format --format-file --length --skip' },
  strings: { flags: '-a -d -f -w --all --data --print-file-name --include-all-whitespace', values: '-n -t -e -s -T --bytes --radix --encoding --output-separator --target' },
  xxd: { flags: '-a -b -C -E -e -i -p -ps -u -d -autoskip -bits -capitalize -EBCDIC -include -plain -postscript -uppercase', values: '-c -g -l -o -s -n -R -cols -groupsize -len -offset -seek -name', maxArgs: 1 },
  base64: { flags: '-d -i --decode --ignore-garbage', values: '-w --wrap' },
  sort: {
    flags: '-b -d -f -g -h -i -M -n -R -r -V -c -C -m -s -u -z --ignore-leading-blanks --dictionary-order --ignore-case --general-numeric-sort --human-numeric-sort --ignore-nonprinting --month-sort --numeric-sort --random-sort --reverse --version-sort --merge --stable --unique --zero-terminated --debug',
    values: '-k -t -S --key --field-separator --buffer-size --parallel --batch-size --sort --files0-from --random-source',
    optional: '--check',
  },
  uniq: { flags: '-c -d -i -u -z --count --repeated --ignore-case --unique --zero-terminated', values: '-f -s -w --skip-fields --skip-chars --check-chars', optional: '-D --all-repeated --group', maxArgs: 1 },
  md5sum: { flags: '-b -c -t -z -w --binary --check --tag --text --zero --ignore-missing --quiet --status --strict --warn' },
  sha1sum: { flags: '-b -c -t -z -w --binary --check --tag --text --zero --ignore-missing --quiet --status --strict --warn' },
  sha256sum: { flags: '-b -c -t -z -w --binary --check --tag --text --zero --ignore-missing --quiet --status --strict --warn' },
  sha512sum: { flags: '-b -c -t -z -w --binary --check --tag --text --zero --ignore-missing --quiet --status --strict --warn' },
  seq: { flags: '-w --equal-width', values: '-f -s --format --separator' },
  numfmt: { flags: '-z --debug --grouping --zero-terminated', values: '-d --delimiter --field --format --from --from-unit --header --invalid --padding --round --suffix --to --to-unit' },
  nproc: { flags: '--all', values: '--ignore' },
  tee: {
    flags: '-a -i -p --append --ignore-interrupts',
    optional: '--output-error',
    check: (p) => {
      const files = [...p.positionals, ...p.rest].filter((w) => !harmlessSinks.has(w.text));
      return files.length > 0 ? write(`\`tee\` writes to ${files.map((w) => w.text).join(', ')}`) : null;
    },
  },
  basenc: { flags: '-d -i --decode --ignore-garbage --base64 --base64url --base32 --base32hex --base16 --base2msbf --base2lsbf --z85', values: '-w --wrap' },
  expand: { flags: '-i --initial', values: '-t --tabs' },
  paste: { flags: '-s -z --serial --zero-terminated', values: '-d --delimiters' },
  join: { flags: '-i -z --ignore-case --check-order --nocheck-order --header --zero-terminated', values: '-a -e -j -o -t -v -1 -2' },
  shuf: { flags: '-e -r -z --echo --repeat --zero-terminated', values: '-i -n --input-range --head-count --random-source' },
};
