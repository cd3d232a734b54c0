// Generated evasions: known writes, each rewritten the ways issue #16 lists (brace and parameter expansion,
// ANSI-C and locale quoting, command substitution, quote splitting, GNU abbreviations, `=` forms, xargs, wrappers,
// full paths). Every variant must still be a write: the classifier reads words as the program will get them.
import { describe, expect, it } from 'vitest';
import { classifyCommand } from '../../../engine/execution/risk';

const HOSTS = { allowedHosts: ['prometheus:9090'] };

/** A write, with the flag that makes it one (and that flag's long spelling, if it has one). */
interface Known {
  readonly cmd: string;
  readonly flag: string;
  readonly long?: string;
}

const KNOWN: Known[] = [
  { cmd: 'sort -o F input', flag: '-o', long: '--output' },
  { cmd: "sed -i 's/a/b/' F", flag: '-i', long: '--in-place' },
  { cmd: 'curl -o F http://prometheus:9090/metrics', flag: '-o', long: '--output' },
  { cmd: 'curl -D F http://prometheus:9090/metrics', flag: '-D', long: '--dump-header' },
  { cmd: 'wget -O F http://prometheus:9090/metrics', flag: '-O', long: '--output-document' },
  { cmd: 'wget -o F -O - http://prometheus:9090/metrics', flag: '-o', long: '--output-file' },
  { cmd: 'psql -o F -c "select 1"', flag: '-o', long: '--output' },
  { cmd: 'psql -f F', flag: '-f', long: '--file' },
  { cmd: 'journalctl --vacuum-size=1 -u x', flag: '--vacuum-size=1' },
  { cmd: 'journalctl --rotate', flag: '--rotate' },
  { cmd: "yq -i '.a = 1' F", flag: '-i', long: '--inplace' },
  { cmd: 'uniq input F', flag: 'F' },
  { cmd: 'tee F', flag: 'F' },
  { cmd: 'ss -K dst 10.0.0.1', flag: '-K', long: '--kill' },
  { cmd: 'dmesg -C', flag: '-C', long: '--clear' },
  { cmd: 'date -s 2020-01-01', flag: '-s', long: '--set' },
  { cmd: 'kubectl get pods --kubeconfig F', flag: '--kubeconfig' },
  { cmd: 'kubectl logs --profile=cpu api-0', flag: '--profile=cpu' },
  { cmd: 'kubectl delete pod api-0', flag: 'delete' },
  { cmd: 'systemctl restart api', flag: 'restart' },
  { cmd: 'docker rm -f api', flag: 'rm' },
  { cmd: 'sysctl -w vm.swappiness=1', flag: '-w', long: '--write' },
  { cmd: 'iptables -F', flag: '-F', long: '--flush' },
  { cmd: 'rg --pre F pattern', flag: '--pre' },
  { cmd: 'sort --compress-program=F input', flag: '--compress-program=F' },
  { cmd: 'hostname newname', flag: 'newname' },
  { cmd: 'top', flag: '' },
  { cmd: 'openssl x509 -in cert.pem -out F', flag: '-out' },
  { cmd: 'etcdctl del key', flag: 'del' },
  { cmd: 'ceph osd set noout', flag: 'set' },
];

/** Rewrites of one word that leave what bash passes the program unchanged (or unknowable until it runs). */
function wordVariants(word: string): string[] {
  if (word === '') return [];
  const hex = [...word].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
  const out = [`${word.slice(0, 1)}''${word.slice(1)}`, `"${word}"`, `\\${word}`, `\${X:-${word}}`, `$'${hex}'`, `$"${word}"`, `$(echo ${word})`, `\`echo ${word}\``, `{${word},}`];
  if (word.length > 1) out.push(`${word.slice(0, 1)}"${word.slice(1)}"`);
  return out;
}

function variants(k: Known): string[] {
  const out = new Set<string>();
  const words = k.cmd.split(' ');
  const program = words[0]!;
  const at = k.flag === '' ? -1 : words.indexOf(k.flag);
  if (at >= 0) for (const v of wordVariants(k.flag)) out.add([...words.slice(0, at), v, ...words.slice(at + 1)].join(' '));
  // The long option, abbreviated as GNU getopt would accept it, and in its `=` form.
  if (k.long && at >= 0) {
    const value = words[at + 1];
    const rest = words.slice(at + 2);
    out.add([...words.slice(0, at), k.long, ...words.slice(at + 1)].join(' '));
    out.add([...words.slice(0, at), k.long.slice(0, Math.max(4, k.long.length - 3)), ...words.slice(at + 1)].join(' '));
    if (value !== undefined) out.add([...words.slice(0, at), `${k.long}=${value}`, ...rest].join(' '));
    // (Only for a plain value: a quoted `}` does not close a brace expansion.)
    if (value !== undefined && !/['"]/.test(value)) out.add([...words.slice(0, at), `{${k.flag},${value}}`, ...rest].join(' '));
  }
  // The program hidden or wrapped.
  for (const p of [`/usr/bin/${program}`, `'${program}'`, `\\${program}`, `timeout 5 ${program}`, `env LC_ALL=C ${program}`, `nice -n 5 ${program}`, `sudo -u root ${program}`, `command ${program}`, `$(echo ${program})`]) {
    out.add([p, ...words.slice(1)].join(' '));
  }
  // Arguments arriving through xargs, through a subshell, and chained after a read.
  out.add(`echo ${words.slice(1).join(' ')} | xargs ${program}`);
  out.add(`(${k.cmd})`);
  out.add(`true && ${k.cmd}`);
  out.add(`ls | grep x; ${k.cmd}`);
  out.add(`echo "$(${k.cmd})"`);
  out.add(`watch -n 1 '${k.cmd.replace(/'/g, `'\\''`)}'`);
  return [...out];
}

describe('generated variants of known writes', () => {
  const cases = KNOWN.flatMap((k) => variants(k).map((v) => ({ base: k.cmd, variant: v })));

  it('the originals are writes, and there are hundreds of variants', () => {
    for (const k of KNOWN) expect(classifyCommand(k.cmd, HOSTS).risk, k.cmd).toBe('write');
    expect(cases.length).toBeGreaterThan(500);
  });

  it.each(cases)('$variant', ({ variant }) => {
    const r = classifyCommand(variant, HOSTS);
    expect(r.risk, `${variant} -> ${r.reasons.join('; ')}`).toBe('write');
  });
});
