// Per-subcommand read-only tables for the operations CLIs that runbooks use.
import { has, splitArgs } from './args';
import type { Word } from './parse';
import { subcommands } from './subcommands';
import { read, write, type Verdict } from './verdict';

const p = (...paths: string[]) => paths.map((s) => s.split(' '));

export const git = (args: Word[]): Verdict => {
  // `-c` can set core.pager, diff drivers and hooks: commands git would run.
  if (args.some((a) => a.text === '-c' || a.text.startsWith('--config-env'))) return write('`git -c` can make git run other commands');
  const split = splitArgs(args, { value: ['-C', '--git-dir', '--work-tree', '--namespace'] });
  const sub = split.positionals[0]?.text;
  const rest = split.positionals.slice(1);
  const after = args.slice(args.findIndex((a) => a.text === sub) + 1);
  const flags = after.filter((a) => a.text.startsWith('-')).map((a) => a.text);
  if (sub === 'branch' || sub === 'tag') {
    // Listing only: creating, deleting or moving needs a name or a change flag.
    const listFlag = /^(-a|-r|-v|-vv|-l|--list|--all|--remotes|--verbose|--contains|--merged|--no-merged|--sort=.*|--format=.*|-n\d*|--points-at|--show-current)$/;
    const listing = flags.some((f) => f === '-l' || f === '--list') || rest.length === 0;
    if (listing && flags.every((f) => listFlag.test(f))) return read(`\`git ${sub}\` listing is read-only`);
    return write(`\`git ${sub}\` with a name or change flag writes the repository`);
  }
  if (sub === 'remote') {
    if ((rest.length === 0 && flags.every((f) => f === '-v' || f === '--verbose')) || rest[0]?.text === 'show' || rest[0]?.text === 'get-url') {
      return read('`git remote` listing is read-only');
    }
    return write(`\`git remote ${rest[0]?.text ?? ''}\` changes the repository's remotes`);
  }
  if (sub === 'config') {
    const reading = flags.some((f) => /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--show-scope|--null|-z|--global|--local|--system|--name-only)$/.test(f));
    if (reading && flags.every((f) => /^(--get|--get-all|--get-regexp|--list|-l|--show-origin|--show-scope|--null|-z|--global|--local|--system|--name-only)$/.test(f))) {
      return read('`git config --get/--list` is read-only');
    }
    return write('`git config` without --get/--list changes configuration');
  }
  return subcommands('git', {
    value: ['-C', '--git-dir', '--work-tree', '--namespace', '-n', '--max-count', '--format', '--pretty', '--since', '--until', '--author', '--grep'],
    read: p('status', 'log', 'diff', 'show', 'rev-parse', 'ls-files', 'ls-tree', 'blame', 'shortlog', 'describe', 'grep',
      'cat-file', 'show-ref', 'rev-list', 'whatchanged', 'version', 'name-rev', 'reflog show'),
    // --output writes a file; grep -O opens the hits in a pager command.
    writeFlags: ['--output', '-O', '--open-files-in-pager'],
  })(args);
};

const containerRead = p(
  'ps', 'logs', 'inspect', 'images', 'stats', 'top', 'port', 'diff', 'history', 'events', 'version', 'info', 'search',
  'container ls', 'container ps', 'container list', 'container inspect', 'container logs', 'container top', 'container port',
  'container diff', 'container stats', 'image ls', 'image list', 'image inspect', 'image history', 'network ls',
  'network inspect', 'volume ls', 'volume inspect', 'system df', 'system info', 'system events', 'compose ps', 'compose logs',
  'compose config', 'compose images', 'compose top', 'compose ls', 'compose version', 'context ls', 'context show', 'context inspect',
  'pod ps', 'pod ls', 'pod inspect', 'pod logs',
);
export const docker = (name: string) =>
  subcommands(name, { value: ['-H', '--host', '--context', '-c', '--config', '-l', '--log-level', '-f', '--format', '--filter', '-n', '--tail', '--since', '--until'], read: containerRead });

export const crictl = subcommands('crictl', {
  value: ['-r', '--runtime-endpoint', '-i', '--image-endpoint', '-c', '--config', '-o', '--output', '--name', '--label', '--tail', '--since', '-n', '--namespace', '--pod', '--state'],
  read: p('ps', 'pods', 'images', 'img', 'inspect', 'inspectp', 'inspecti', 'logs', 'stats', 'statsp', 'info', 'version', 'imagefsinfo'),
});

export const systemctl = subcommands('systemctl', {
  value: ['-H', '--host', '-M', '--machine', '-t', '--type', '--state', '-n', '--lines', '-o', '--output', '-p', '--property'],
  read: [[], ...p('status', 'show', 'cat', 'is-active', 'is-enabled', 'is-failed', 'is-system-running', 'list-units', 'list-unit-files',
    'list-sockets', 'list-timers', 'list-jobs', 'list-dependencies', 'list-machines', 'get-default', 'show-environment')],
});

export const journalctl = (args: Word[]): Verdict => {
  const bad = args.find((a) => /^--(vacuum|rotate|flush|sync|relinquish-var|smart-relinquish-var|setup-keys|update-catalog|cursor-file)/.test(a.text));
  return bad ? write(`\`journalctl ${bad.text}\` changes the journal`) : read('`journalctl` is read-only');
};

export const ceph = subcommands('ceph', {
  value: ['-f', '--format', '-c', '--conf', '-n', '--name', '--id', '-i', '--cluster', '-k', '--keyring', '--connect-timeout'],
  read: p('status', 'health $', 'health detail', 'df', 'versions', 'version', 'quorum_status', 'report', 'time-sync-status', 'osd tree', 'osd df',
    'osd dump', 'osd status', 'osd perf', 'osd stat', 'osd ls', 'osd pool ls', 'osd pool stats', 'osd pool get', 'osd pool autoscale-status',
    'osd crush dump', 'osd crush rule ls', 'osd crush rule dump', 'osd find', 'osd metadata', 'osd versions', 'osd blocked-by',
    'osd utilization', 'osd lspools', 'pg stat', 'pg dump', 'pg ls', 'pg query', 'pg dump_stuck', 'mon stat', 'mon dump',
    'mds stat', 'fs status', 'fs ls', 'fs dump', 'fs get', 'mgr stat', 'mgr dump', 'mgr services', 'mgr module ls',
    'balancer status', 'orch ls', 'orch ps', 'orch status', 'orch host ls', 'orch device ls', 'config get', 'config dump',
    'config show', 'config ls', 'crash ls', 'crash info', 'crash stat', 'auth ls', 'auth list', 'auth get'),
}) satisfies (a: Word[]) => Verdict;

/** `ceph daemon NAME CMD`: admin-socket dumps are reads; anything else (config set, …) is not. */
export const cephAll = (args: Word[]): Verdict => {
  const split = splitArgs(args, { value: ['-f', '--format', '-c', '--conf', '--cluster'] });
  // `ceph -s` / `ceph -w` are status and watch.
  if (split.positionals.length === 0 && args.some((a) => /^(-s|--status|-w|--watch)$/.test(a.text))) return read('`ceph -s` is read-only');
  if (split.positionals[0]?.text === 'daemon') {
    const cmd = split.positionals.slice(2).map((w) => w.text).join(' ');
    return /^(dump_\w+|ops|perf dump|perf schema|config show|config get \S+|status|version|help|objecter_requests)$/.test(cmd)
      ? read(`\`ceph daemon … ${cmd}\` is read-only`)
      : write(`\`ceph daemon … ${cmd}\` is not known to be read-only`);
  }
  return ceph(args);
};

export const rbd = subcommands('rbd', {
  value: ['-p', '--pool', '--format', '--image'],
  read: p('ls', 'list', 'info', 'status', 'du', 'showmapped', 'snap ls', 'snap list', 'trash ls', 'mirror image status', 'mirror pool status', 'mirror pool info'),
});
export const rados = subcommands('rados', { value: ['-p', '--pool', '--format', '-f'], read: p('df', 'lspools', 'ls', 'list-inconsistent-pg', 'list-inconsistent-obj') });
export const etcdctl = subcommands('etcdctl', {
  value: ['--endpoints', '-w', '--write-out', '--cacert', '--cert', '--key', '--user', '--command-timeout', '--dial-timeout'],
  read: p('version', 'get', 'endpoint health', 'endpoint status', 'endpoint hashkv', 'member list', 'alarm list', 'user list', 'role list'),
});
export const promtool = subcommands('promtool', {
  read: p('query', 'check', 'test rules', 'tsdb analyze', 'tsdb list', 'tsdb dump', '--version'),
});
export const amtool = subcommands('amtool', {
  value: ['--alertmanager.url', '--config.file', '-o', '--output'],
  read: [[], ...p('alert $', 'alert query', 'silence $', 'silence query', 'config show', 'config routes', 'check-config', 'cluster show', 'template render')],
});
export const helm = subcommands('helm', {
  value: ['-n', '--namespace', '--kube-context', '--kubeconfig', '-o', '--output', '--revision'],
  read: p('list', 'ls', 'status', 'get', 'history', 'show', 'template', 'version', 'search', 'env', 'lint', 'repo list', 'plugin list', 'dependency list'),
});

/** `ip OBJECT [show|list|get]`: shows are reads; add/del/set/flush are not. */
export const ip = (args: Word[]): Verdict => {
  const split = splitArgs(args, { value: ['-n', '-netns', '-f', '-family'] });
  const [object, verb] = split.positionals.map((w) => w.text);
  if (!object) return write('`ip` without an object is not known to be read-only');
  const showVerbs = ['show', 'list', 'lst', 'ls', 'sh', 's', 'get', 'l'];
  if (verb === undefined || showVerbs.includes(verb)) return read(`\`ip ${object}${verb ? ` ${verb}` : ''}\` is read-only`);
  return write(`\`ip ${object} ${verb}\` is not known to be read-only`);
};

export const sysctl = (args: Word[]): Verdict =>
  args.some((a) => a.text.includes('=') || /^-(w|p|-write|-load|-system)/.test(a.text))
    ? write('`sysctl` with `-w`, `-p` or `key=value` changes kernel settings')
    : read('`sysctl` reads kernel settings');

export const iptables = (name: string) => (args: Word[]): Verdict =>
  args.every((a) => !a.text.startsWith('-') || /^-(n|v|x|L|S|t|w|-list|-list-rules|-numeric|-verbose|-line-numbers|-table|[nvxLS]+)$/.test(a.text))
    && args.some((a) => /^-[nvx]*[LS]|^--list/.test(a.text))
    ? read(`\`${name} -L\` lists rules`)
    : write(`\`${name}\` without -L/-S changes firewall rules`);

export const timedatectl = subcommands('timedatectl', { read: [[], ...p('status', 'show', 'timesync-status', 'show-timesync', 'list-timezones')] });
