// Host and process inspection: what a diagnostic on a node runs. Tools with no option that writes or runs
// anything (ps, uptime, lscpu, …) take any arguments; the rest list theirs.
import { read, write, type Verdict } from '../verdict';
import type { Word } from '../parse';
import type { Spec } from '../spec';

/** No option of these writes a file, changes the system or runs a program; their arguments are free. */
const ANY_ARGUMENTS = `ps pgrep pidof pstree uptime w who whoami id groups uname pwd arch hostid nproc lscpu lspci lsusb lsmod
  lsblk findmnt lsns lslocks lsipc vmstat iostat mpstat pidstat lsof netstat getent locale printenv tput getenforce
  sestatus ping ping6 traceroute traceroute6 tracepath dig nslookup host whois sleep true false : echo`
  .split(/\s+/)
  .filter(Boolean);

const free: Spec = { free: true };

export const system: Record<string, Spec> = {
  ...Object.fromEntries(ANY_ARGUMENTS.map((n) => [n, free])),
  // `printf -v NAME` assigns (and evaluates NAME's subscript): not listed, so a write.
  printf: {},
  cd: { flags: '-L -P -e -@', maxArgs: 1 },
  pushd: { flags: '-n' },
  popd: { flags: '-n' },
  type: { flags: '-a -f -P -p -t' },
  which: { flags: '-a -s' },
  whereis: { flags: '-b -m -s -u -l', values: '-B -M -S' },
  command: { flags: '-v -V -p' },
  exit: { maxArgs: 1 },
  return: { maxArgs: 1 },
  break: { maxArgs: 1 },
  continue: { maxArgs: 1 },
  shift: { maxArgs: 1 },
  wait: { flags: '-f -n' },
  jobs: { flags: '-l -n -p -r -s' },
  date: {
    flags: '-u -R --utc --universal --rfc-email --debug',
    values: '-d -f -r --date --file --reference --rfc-3339',
    optional: '-I --iso-8601',
    // `date MMDDhhmm` sets the clock; only `+FORMAT` prints.
    check: (p) => (p.positionals.some((w) => !w.text.startsWith('+')) ? write('`date` with a date argument sets the clock') : null),
  },
  hostname: { flags: '-a -A -d -f -i -I -s -y --alias --all-fqdns --domain --fqdn --long --ip-address --all-ip-addresses --short --yp --nis', maxArgs: 0 },
  dmesg: {
    flags: '-H -T -x -k -u -w -W -r -t -d -e -S -P -p -J --human --ctime --decode --kernel --userspace --follow --follow-new --raw --notime --show-delta --reltime --syslog --nopager --force-prefix --json',
    values: '-l -f -F -s --level --facility --file --buffer-size --time-format --since --until',
    optional: '-L --color',
    maxArgs: 0,
  },
  top: {
    flags: '-b -c -H -i -S -s -1 -O',
    values: '-n -d -p -u -U -o -E -e',
    optional: '-w',
    // Interactive top reads keys that kill and renice processes; batch mode only prints.
    check: (p) => (p.options.has('-b') ? null : write('interactive `top` can kill and renice processes (use `top -b`)')),
  },
  sar: { flags: '-A -B -b -d -H -h -p -q -r -S -t -u -v -W -w -x -y -z --human --pretty', values: '-f -i -I -m -n -P -s -e --dev --iface --fs' },
  mount: { flags: '-l -v', values: '-t', maxArgs: 0 },
  ifconfig: { flags: '-a -s -v', maxArgs: 1 },
  ss: { flags: '-a -l -n -r -e -o -m -p -i -s -t -u -w -x -0 -4 -6 -H -Z -z -E -O --all --listening --numeric --resolve --extended --options --memory --processes --info --summary --tcp --udp --raw --unix --packet --ipv4 --ipv6 --no-header --oneline --tipcinfo --events', values: '-f -A -F --family --query --filter' },
  // `-c FILE` writes a cache and `-g` rewrites it: not listed.
  blkid: { flags: '-d -i -k -l -p', values: '-o -s -t -L -U -u -n -S -O' },
  sysctl: {
    flags: '-a -A -X -n -N -e -q -b --all --values --names --ignore --quiet --binary',
    values: '-r --pattern',
    check: (p) => (p.positionals.some((w) => w.text.includes('=')) ? write('`sysctl key=value` changes a kernel setting') : null),
  },
  iptables: {
    flags: '-L -S -n -v -x --list --list-rules --numeric --verbose --exact --line-numbers -4 -6',
    values: '-t --table',
    optional: '-w --wait',
    check: (p) => (p.options.has('-L') || p.options.has('-S') || p.options.has('--list') || p.options.has('--list-rules') ? null : write('`iptables` without -L/-S changes firewall rules')),
  },
  timedatectl: { flags: '-a --all --value --no-pager --no-ask-password', values: '-p --property', bare: true, sub: { status: {}, show: {}, 'timesync-status': {}, 'show-timesync': {}, 'list-timezones': {} } },
  hostnamectl: { flags: '--static --transient --pretty --no-pager --no-ask-password', bare: true, sub: { status: {} } },
  chronyc: { flags: '-n -c -m -a -4 -6 -N', bare: true, sub: { tracking: {}, sources: {}, sourcestats: {}, activity: {}, ntpdata: {}, serverstats: {}, clients: {} } },
  ulimit: { flags: '-a -H -S', maxArgs: 0 },
};
system.ip6tables = system.iptables!;

/** `test -v NAME` evaluates a subscript; other operands are compared as text or integers without evaluation. */
export const testRule = (name: string) => (args: readonly Word[]): Verdict =>
  args.some((w) => w.text === '-v' || w.text === '-R') ? write(`\`${name} -v\` evaluates a variable subscript`) : read(`\`${name}\` only compares`);

/** `ip [OPTIONS] OBJECT [show|list|get …]`: shows are reads; add/del/set/flush/exec are not. */
export function ipRule(args: readonly Word[]): Verdict {
  const options = /^-(s|d|h|j|p|c|4|6|o|r|br|brief|details|stats|statistics|json|pretty|color|oneline|resolve|a|all|t|timestamp|human|iec|N|numeric)$/;
  let i = 0;
  for (; i < args.length && args[i]!.text.startsWith('-'); i++) {
    const a = args[i]!.text;
    if (/^-(n|netns|f|family)$/.test(a)) i++;
    else if (!options.test(a)) return write(`\`ip ${a}\` is not an option \`ip\` is known to read with`);
  }
  const [object, verb] = args.slice(i).map((w) => w.text);
  if (!object) return write('`ip` without an object is not known to be read-only');
  const showVerbs = ['show', 'list', 'lst', 'ls', 'sh', 's', 'get', 'l'];
  if (verb === undefined || showVerbs.includes(verb)) return read(`\`ip ${object}${verb ? ` ${verb}` : ''}\` is read-only`);
  return write(`\`ip ${object} ${verb}\` is not known to be read-only`);
}
