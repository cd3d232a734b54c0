// The operations CLIs runbooks use: container runtimes, systemd, ceph, etcd, Prometheus and Alertmanager, helm.
// Global flags that pick another daemon, config file or host are not listed (a repository could plant them).
import { allowedUrl } from '../hosts';
import { write, type Verdict } from '../verdict';
import type { Parsed, RuleContext, Spec } from '../spec';

const keys = (paths: string, spec: Spec = {}): Record<string, Spec> => Object.fromEntries(paths.trim().split(/\s*,\s*/).map((p) => [p, spec]));

const containerPs: Spec = { flags: '-a -q -s -l -n --all --quiet --size --latest --no-trunc', values: '-f --filter --format --last' };
const containerLogs: Spec = { flags: '-f -t --follow --timestamps --details', values: '-n --tail --since --until', maxArgs: 1 };
const inspect: Spec = { flags: '-s --size', values: '-f --format --type' };
const images: Spec = { flags: '-a -q --all --quiet --digests --no-trunc', values: '-f --filter --format' };
const stats: Spec = { flags: '-a --all --no-stream --no-trunc', values: '--format' };
const formatOnly: Spec = { values: '-f --format', maxArgs: 0 };

function containers(): Spec {
  return {
    flags: '-D --debug',
    values: '-l --log-level --context -c',
    sub: {
      ps: containerPs,
      'container ls': containerPs,
      'container ps': containerPs,
      'container list': containerPs,
      logs: containerLogs,
      'container logs': containerLogs,
      inspect,
      'container inspect': inspect,
      'image inspect': inspect,
      'network inspect': inspect,
      'volume inspect': inspect,
      images,
      'image ls': images,
      'image list': images,
      stats,
      'container stats': stats,
      top: {},
      'container top': {},
      port: { maxArgs: 2 },
      'container port': { maxArgs: 2 },
      diff: { maxArgs: 1 },
      'container diff': { maxArgs: 1 },
      history: { flags: '-H -q --human --no-trunc --quiet', values: '--format', maxArgs: 1 },
      'image history': { flags: '-H -q --human --no-trunc --quiet', values: '--format', maxArgs: 1 },
      events: { values: '-f --filter --format --since --until', maxArgs: 0 },
      'system events': { values: '-f --filter --format --since --until', maxArgs: 0 },
      version: formatOnly,
      info: formatOnly,
      'system info': formatOnly,
      'system df': { flags: '-v --verbose', values: '--format', maxArgs: 0 },
      'network ls': { flags: '-q --quiet --no-trunc', values: '-f --filter --format', maxArgs: 0 },
      'volume ls': { flags: '-q --quiet', values: '-f --filter --format', maxArgs: 0 },
      'context ls': { flags: '-q --quiet', values: '--format', maxArgs: 0 },
      'context show': { maxArgs: 0 },
      'compose ps': { flags: '-a -q --all --quiet --services', values: '--format --filter --status' },
      'compose logs': { flags: '-f -t --follow --timestamps --no-color --no-log-prefix', values: '-n --tail --since --until' },
      'compose images': { flags: '-q --quiet', values: '--format' },
      'compose ls': { flags: '-a -q --all --quiet', values: '--format --filter', maxArgs: 0 },
      'pod ps': containerPs,
      'pod ls': containerPs,
      'pod inspect': inspect,
      'pod logs': containerLogs,
    },
  };
}

const cri = (flags: string, values: string, maxArgs?: number): Spec => ({ flags, values, ...(maxArgs === undefined ? {} : { maxArgs }) });

/** A URL argument or flag value (`promtool query instant URL`, `amtool --alertmanager.url`) must be an allowed host. */
function urlAt(p: Parsed, ctx: RuleContext, urls: readonly string[], what: string): Verdict | null {
  for (const u of urls) {
    const problem = allowedUrl(u, ctx.allowedHosts);
    if (problem) return write(`${what} ${problem}`);
  }
  return null;
}

function matchersOnly(label: string) {
  return (p: Parsed): Verdict | null => {
    const other = p.positionals.find((w) => !/[=~]/.test(w.text));
    return other ? write(`\`amtool ${label} ${other.text}\` is not known to be read-only`) : null;
  };
}

export const ops: Record<string, Spec> = {
  docker: containers(),
  podman: containers(),
  nerdctl: containers(),
  crictl: {
    flags: '-D --debug',
    values: '-t --timeout',
    sub: {
      ps: cri('-a -q -l -v --all --quiet --latest --no-trunc --verbose', '-o --output --name --label --pod --state -s --image --namespace --last'),
      pods: cri('-q -l -v --quiet --latest --no-trunc --verbose', '-o --output --name --label --state -s --namespace --last'),
      images: cri('-q -v --quiet --digests --no-trunc --verbose', '-o --output'),
      img: cri('-q -v --quiet --digests --no-trunc --verbose', '-o --output'),
      inspect: cri('-q --quiet', '-o --output'),
      inspectp: cri('-q --quiet', '-o --output'),
      inspecti: cri('-q --quiet', '-o --output'),
      logs: cri('-f -p -t --follow --previous --timestamps', '--since --tail --limit-bytes', 1),
      stats: cri('-a -w --all --watch', '-o --output --id --label --pod -s --seconds'),
      statsp: cri('-w --watch', '-o --output --id --label -s --seconds'),
      info: cri('', '-o --output', 0),
      version: cri('', '', 0),
      imagefsinfo: cri('', '-o --output', 0),
    },
  },
  systemctl: {
    flags: '--no-pager -l --full -a --all --value --no-legend --plain -q --quiet --system --user -r --recursive --failed --show-types --reverse --after --before --with-dependencies --no-ask-password',
    values: '-t --type --state -p --property -n --lines -o --output',
    bare: true,
    sub: keys('status, show, cat, is-active, is-enabled, is-failed, is-system-running, list-units, list-unit-files, list-sockets, list-timers, list-jobs, list-dependencies, list-machines, get-default, show-environment'),
  },
  journalctl: {
    flags:
      '-f -e -x -r -k -q -a -l -m -N --follow --pager-end --catalog --reverse --dmesg --quiet --all --full --merge --no-pager ' +
      '--no-hostname --no-full --system --user --list-boots --disk-usage --header --utc --fields --show-cursor --no-tail',
    values: '-u -p -S -U -t -T -g -o -F -D -M --unit --user-unit --priority --since --until --identifier --exclude-identifier --grep --output --output-fields --field --directory --file --machine --cursor --after-cursor --facility',
    optional: '-b --boot -n --lines --case-sensitive',
    numeric: true,
  },
  ceph: {
    flags: '-s -w --status --watch --watch-debug --watch-info --watch-sec --watch-warn --watch-error',
    values: '-f --format --cluster -n --name --id -i --connect-timeout',
    bare: true,
    sub: {
      // Extra words would name another subcommand (`ceph health mute`): each path says how many arguments it takes.
      ...keys(`status, health, health detail, df, df detail, versions, version, quorum_status, report, time-sync-status, osd tree,
        osd df, osd df tree, osd status, osd perf, osd stat, osd ls, osd pool ls, osd pool ls detail, osd pool autoscale-status,
        osd crush dump, osd crush rule ls, osd versions, osd blocked-by, osd utilization, osd lspools, pg stat, mon stat, mon dump,
        mds stat, fs status, fs ls, fs dump, mgr stat, mgr dump, mgr services, mgr module ls, balancer status, orch ls, orch ps,
        orch status, orch host ls, orch device ls, config dump, config ls, crash ls, crash stat, auth ls, auth list`, { maxArgs: 0 }),
      ...keys('osd dump, osd find, osd metadata, osd crush rule dump, osd pool stats, pg query, pg dump, fs get, config show, crash info, auth get', { maxArgs: 1 }),
      ...keys('osd pool get, config get, pg dump_stuck', { maxArgs: 2 }),
      ...keys('pg ls', { maxArgs: 3 }),
      // `ceph daemon NAME CMD`: admin-socket dumps are reads; `config set` and the rest are not.
      daemon: {
        check: (p) => {
          const cmd = p.positionals.slice(1).map((w) => w.text).join(' ');
          return /^(dump_\w+|ops|perf dump|perf schema|config show|config get \S+|status|version|help|objecter_requests)$/.test(cmd) ? null : write(`\`ceph daemon … ${cmd}\` is not known to be read-only`);
        },
      },
    },
  },
  rbd: {
    values: '-p --pool --format --image',
    flags: '--pretty-format',
    sub: keys('ls, list, info, status, du, showmapped, snap ls, snap list, trash ls, mirror image status, mirror pool status, mirror pool info', { flags: '-l --long', maxArgs: 1 }),
  },
  rados: { values: '-p --pool --format -f', sub: { ...keys('df, lspools, ls', { maxArgs: 0 }), ...keys('list-inconsistent-pg, list-inconsistent-obj', { maxArgs: 1 }) } },
  etcdctl: {
    flags: '--insecure-skip-tls-verify --insecure-transport --hex --debug',
    values: '-w --write-out --cacert --cert --key --user --command-timeout --dial-timeout --keepalive-time --keepalive-timeout --endpoints',
    sub: {
      ...keys('version, endpoint health, endpoint status, endpoint hashkv, member list, alarm list, user list, role list', { maxArgs: 0 }),
      get: { flags: '--prefix --keys-only --count-only --print-value-only --from-key', values: '--limit --order --sort-by --rev --consistency', maxArgs: 2 },
    },
    check: (p, ctx) => urlAt(p, ctx, (p.options.get('--endpoints') ?? []).flatMap((e) => e.split(',')).map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`)), '`etcdctl --endpoints`'),
  },
  promtool: {
    flags: '--version',
    bare: true,
    sub: {
      'query instant': { values: '--time', check: (p, ctx) => urlAt(p, ctx, p.positionals.slice(0, 1).map((w) => w.text), '`promtool query`') },
      'query range': { values: '--start --end --step', check: (p, ctx) => urlAt(p, ctx, p.positionals.slice(0, 1).map((w) => w.text), '`promtool query`') },
      'query series': { values: '--match --start --end', check: (p, ctx) => urlAt(p, ctx, p.positionals.slice(0, 1).map((w) => w.text), '`promtool query`') },
      'query labels': { values: '--match --start --end', check: (p, ctx) => urlAt(p, ctx, p.positionals.slice(0, 1).map((w) => w.text), '`promtool query`') },
      'check config': { flags: '--syntax-only --lint-fatal', values: '--lint' },
      'check rules': { flags: '--lint-fatal', values: '--lint' },
      'check metrics': {},
      'test rules': {},
      'tsdb analyze': { flags: '--extended', values: '--limit' },
      'tsdb list': { flags: '-r --human-readable' },
    },
  },
  amtool: {
    flags: '-v --verbose',
    values: '-o --output --timeout --alertmanager.url',
    bare: true,
    sub: {
      // `amtool alert MATCHER…` queries; `amtool alert add` does not: bare positionals must be matchers.
      alert: { check: matchersOnly('alert') },
      'alert query': { flags: '-a -s -i --active --silenced --inhibited --unprocessed', values: '-r --receiver', check: matchersOnly('alert query') },
      silence: { check: matchersOnly('silence') },
      'silence query': { flags: '-a -e -q --expired --quiet', values: '--within', check: matchersOnly('silence query') },
      'config show': { maxArgs: 0 },
      'config routes': { maxArgs: 0 },
      'config routes show': { maxArgs: 0 },
      'check-config': {},
      'cluster show': { maxArgs: 0 },
    },
    check: (p, ctx) => urlAt(p, ctx, p.options.get('--alertmanager.url') ?? [], '`amtool --alertmanager.url`'),
  },
  helm: {
    flags: '--debug',
    values: '-n --namespace --kube-context',
    sub: {
      list: { flags: '-a -A -q -d -r --all --all-namespaces --short --date --reverse --deployed --failed --pending --superseded --uninstalled --uninstalling --no-headers', values: '-o --output -f --filter -m --max --offset --time-format' },
      ls: { flags: '-a -A -q -d -r --all --all-namespaces --short --date --reverse --deployed --failed --pending --superseded --uninstalled --uninstalling --no-headers', values: '-o --output -f --filter -m --max --offset --time-format' },
      status: { flags: '--show-desc --show-resources', values: '--revision -o --output', maxArgs: 1 },
      'get all': { values: '--revision --template', maxArgs: 1 },
      'get values': { flags: '-a --all', values: '--revision -o --output', maxArgs: 1 },
      'get manifest': { values: '--revision', maxArgs: 1 },
      'get notes': { values: '--revision', maxArgs: 1 },
      'get hooks': { values: '--revision', maxArgs: 1 },
      'get metadata': { values: '--revision -o --output', maxArgs: 1 },
      history: { values: '--max -o --output', maxArgs: 1 },
      version: { flags: '--short', values: '--template', maxArgs: 0 },
      env: {},
      'repo list': { values: '-o --output', maxArgs: 0 },
      'plugin list': { maxArgs: 0 },
      'dependency list': { maxArgs: 1 },
    },
  },
};
