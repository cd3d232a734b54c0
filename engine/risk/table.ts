// The explicit read-only table. A command that is not here, or whose rule says so, is a write.
import { splitArgs } from './args';
import { kube } from './kube';
import { curl, wget } from './net';
import type { Word } from './parse';
import { psql } from './sql';
import { awk, find, maxPositionals, outputFlag, sed, tee } from './text';
import * as t from './tools';
import { read, write, type Context, type Verdict } from './verdict';

export type Rule = (args: Word[], ctx: Context) => Verdict;

const always = (name: string): Rule => () => read(`\`${name}\` is read-only`);

/** Read-only whatever their arguments (none of them writes files, changes state or runs commands). */
const SIMPLE = `cat tac head tail grep egrep fgrep zgrep zcat wc ls ll du df free uptime w who whoami id groups uname pwd
  echo printf true false test [ [[ which type whereis stat file readlink realpath basename dirname cut tr column nl fold rev
  comm diff cmp md5sum sha1sum sha256sum sha512sum od hexdump strings jq seq sleep ps pgrep pidof vmstat iostat mpstat
  lsof netstat ping traceroute tracepath dig nslookup host getent lsblk blkid findmnt lscpu lspci lsusb lsmod nproc printenv
  getenforce sestatus lsns ulimit numfmt expr cd pushd popd shift wait read exit return break continue
  : pstree lslocks lsipc tput locale hostid arch pidstat`.split(/\s+/).filter(Boolean);

export const TABLE: Record<string, Rule> = Object.fromEntries(SIMPLE.map((n) => [n, always(n)]));

Object.assign(TABLE, {
  kubectl: kube('kubectl'),
  oc: kube('oc'),
  git: t.git,
  docker: t.docker('docker'),
  podman: t.docker('podman'),
  nerdctl: t.docker('nerdctl'),
  crictl: t.crictl,
  systemctl: t.systemctl,
  journalctl: t.journalctl,
  ceph: t.cephAll,
  rbd: t.rbd,
  rados: t.rados,
  etcdctl: t.etcdctl,
  promtool: t.promtool,
  amtool: t.amtool,
  helm: t.helm,
  ip: t.ip,
  sysctl: t.sysctl,
  iptables: t.iptables('iptables'),
  ip6tables: t.iptables('ip6tables'),
  curl,
  wget,
  psql,
  sed,
  awk: awk('awk'),
  gawk: awk('gawk'),
  mawk: awk('mawk'),
  tee,
  find,
  // sort --compress-program runs a program; rg --pre runs one per file; file -C writes magic.mgc; ss -K kills sockets.
  sort: outputFlag('sort', ['-o', '--output', '--compress-program'], { does: 'writes a file or runs a program' }),
  rg: outputFlag('rg', ['--pre'], { does: 'runs a program on each file' }),
  file: outputFlag('file', ['-C', '--compile'], { value: [] }),
  ss: outputFlag('ss', ['-K', '--kill'], { value: [], does: 'kills sockets' }),
  base64: outputFlag('base64', ['-o', '--output']),
  uniq: maxPositionals('uniq', 1, ['-f', '-s', '-w']),
  xxd: maxPositionals('xxd', 1, ['-c', '-g', '-l', '-s']),
  yq: outputFlag('yq', ['-i', '--inplace'], { value: [], does: 'edits files in place' }),
  sar: outputFlag('sar', ['-o']),
  dmesg: (args) => (args.some((a) => /^(-c|-C|-D|-E|-n|--clear|--read-clear|--console-\w+)/.test(a.text)) ? write('`dmesg -c/-C/-n` changes the kernel log') : read('`dmesg` is read-only')),
  hostname: (args) => (splitArgs(args).positionals.length > 0 || args.some((a) => /^(-F|--file|-b|--boot)/.test(a.text)) ? write('`hostname NAME` sets the host name') : read('`hostname` is read-only')),
  date: (args) => (args.some((a) => /^(-s|--set)/.test(a.text)) ? write('`date -s` sets the clock') : read('`date` is read-only')),
  top: (args) => (args.some((a) => /^-[a-zA-Z]*b/.test(a.text)) ? read('`top -b` is read-only') : write('interactive `top` can kill and renice processes')),
  mount: (args) => (args.every((a) => /^-(l|t|v)$/.test(a.text)) && splitArgs(args).positionals.length === 0 ? read('`mount` lists mounts') : write('`mount` with arguments mounts a file system')),
  ifconfig: (args) => (args.length <= 1 || args.every((a) => a.text === '-a' || a.text === '-s') ? read('`ifconfig` lists interfaces') : write('`ifconfig` with settings changes an interface')),
  timedatectl: t.timedatectl,
  hostnamectl: (args) => (splitArgs(args).positionals.every((w, i) => i === 0 && w.text === 'status') ? read('`hostnamectl status` is read-only') : write('`hostnamectl` with a verb changes the host')),
  chronyc: (args) => (/^(tracking|sources|sourcestats|activity|ntpdata|serverstats|clients)?$/.test(splitArgs(args, { value: ['-h'] }).positionals[0]?.text ?? '') ? read('`chronyc` status is read-only') : write('`chronyc` command is not known to be read-only')),
  openssl: (args) => (/^(x509|s_client|verify|version|crl|asn1parse|ciphers)$/.test(args[0]?.text ?? '') && !args.some((a) => /^-out$|^-keyout$/.test(a.text)) ? read(`\`openssl ${args[0]!.text}\` only prints`) : write(`\`openssl ${args[0]?.text ?? ''}\` is not known to be read-only`)),
} satisfies Record<string, Rule>);
