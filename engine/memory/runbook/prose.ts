// Commands written in prose: "Check pod events via `kubectl -n $NAMESPACE describe pod $POD`". An inline code span
// (or a `$ ` prompt line, or an indented code block) is a command when it parses as shell and every simple
// command in it names a program operators run (the classifier's read-only tables plus the usual writing CLIs);
// `virt-handler`, `NAMESPACE` or `CrashLoopBackOff` in backticks are names, not commands. A span that reads as a
// PromQL query (a selector with matchers, or a known function) is a query. Decided by parsing, not by a word list
// alone: `kubectl is the CLI` does not parse as a kubectl command line with sensible words, `du` alone does.
import { TABLE, RULES } from '../../execution/risk/commands';
import { parseShell, walk, wordOf } from '../../execution/risk/parse';

/** Programs that write, or open shells, that runbooks name in prose; their steps will be writes, shown to a person. */
const WRITING_CLIS = `rm mv cp mkdir rmdir touch chmod chown ln kill pkill killall reboot shutdown systemctl service
  kubectl oc helm docker podman crictl ctr nerdctl virtctl etcdctl ceph rbd rados radosgw-admin amtool promtool
  gzip gunzip tar zip unzip truncate dd mount umount swapoff swapon iptables ip ipvsadm sysctl modprobe
  apt apt-get yum dnf rpm dpkg pip npm git make terraform ansible ansible-playbook aws gcloud az vault consul nomad
  psql mysql redis-cli mongosh mongo sqlite3 ssh scp rsync scale restart`
  .split(/\s+/)
  .filter(Boolean);
const PROGRAMS = new Set([...Object.keys(TABLE), ...Object.keys(RULES), ...WRITING_CLIS]);

/** Programs that mean something on their own, so a span holding only the name is a command (`df`, `uptime`). */
const ALONE = new Set(['df', 'du', 'free', 'uptime', 'dmesg', 'ps', 'w', 'who', 'lsblk', 'mount', 'uname', 'date', 'hostname', 'nproc', 'vmstat', 'iostat', 'mpstat', 'lscpu', 'lsmod', 'ss', 'netstat', 'ifconfig', 'findmnt', 'env', 'printenv', 'id', 'whoami']);

/** Subcommands that act on an object: named without one, they are a reference to the verb (`use kubectl logs`). */
const NEEDS_OBJECT: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  [
    ['kubectl oc', 'get describe logs log exec delete apply create patch edit attach debug rsh cp port-forward label annotate scale rollout top drain cordon uncordon taint set expose run wait'],
    ['docker podman nerdctl crictl', 'logs exec inspect rm rmi pull run stop start restart kill cp'],
    ['systemctl', 'status start stop restart reload enable disable mask unmask cat show'],
    ['helm', 'get status history rollback uninstall upgrade install'],
    ['virtctl', 'console vnc start stop restart migrate'],
  ].flatMap(([clis, subs]) => clis!.split(' ').map((c) => [c, new Set(subs!.split(' '))])),
);
const SUBCOMMAND_CLIS = new Set(Object.keys(NEEDS_OBJECT));

/** English words that follow a program's name in a sentence, never in its command line (`kubectl is …`). */
const PROSE_WORDS = new Set(['is', 'are', 'was', 'will', 'can', 'should', 'must', 'may', 'command', 'commands', 'tool', 'cli', 'output', 'shows', 'returns', 'and', 'or', 'the', 'a', 'an', 'to', 'of', 'for', 'with', 'in', 'on']);

/** Placeholders become a plain word before parsing: `<pod>` would parse as a redirection. */
function masked(text: string): string {
  return text.replace(/\{\{[^{}]*\}\}/g, 'x').replace(/<[A-Za-z][^<>\n]{0,80}>/g, 'x');
}

export function isProseCommand(text: string): boolean {
  const t = text.trim();
  // An elision or a help request is a description of a command, not one to run.
  if (t === '' || t.length > 2000 || /^[-*#>]/.test(t) || /\.\.\.|…|(^|\s)(--help|-h)(\s|$)/.test(t)) return false;
  const parsed = parseShell(masked(t));
  if (!parsed.ok) return false;
  const calls: string[][] = [];
  walk(parsed.file, (n, type) => {
    if (type === 'CallExpr' && n.Args.length > 0) calls.push(n.Args.map((w: unknown) => wordOf(w).text));
  });
  if (calls.length === 0) return false;
  return calls.every((argv) => {
    const name = argv[0]!.replace(/^\/(usr\/)?(local\/)?s?bin\//, '');
    if (!PROGRAMS.has(name)) return false;
    if (argv.length === 1) return ALONE.has(name) || calls.length > 1;
    if (PROSE_WORDS.has(argv[1]!.toLowerCase())) return false;
    if (!SUBCOMMAND_CLIS.has(name)) return true;
    // `kubectl -n x get pods`: the first word that is not an option (or an option's value) is the subcommand.
    const words = argv.slice(1).filter((w, i, all) => !w.startsWith('-') && !/^-(n|c|l|o)$|^--(namespace|context|selector|output)$/.test(all[i - 1] ?? ''));
    const [sub, object] = words;
    if (sub === undefined || !/^[a-z][a-z-]*$/.test(sub)) return false;
    return !NEEDS_OBJECT[name]!.has(sub) || object !== undefined;
  });
}

const PROMQL_FUNCTION = /\b(rate|irate|increase|delta|idelta|deriv|sum|avg|min|max|count|stddev|topk|bottomk|quantile|count_values|histogram_quantile|absent|absent_over_time|changes|resets|predict_linear|label_replace|label_join|avg_over_time|min_over_time|max_over_time|sum_over_time|count_over_time|quantile_over_time|last_over_time|present_over_time|clamp_min|clamp_max|time|timestamp|vector|scalar)\s*(?:by\s*\([^)]*\)\s*|without\s*\([^)]*\)\s*)?\(/;
const SELECTOR = /^[A-Za-z_:][\w:]*\s*\{[^{}]*(=|=~|!=|!~)\s*["'`][^{}]*\}/;

/** A query: a selector with matchers or a known function, balanced brackets, and not a shell command. */
export function isProseQuery(text: string): boolean {
  const t = text.trim();
  if (t.length < 4 || t.length > 2000 || isProseCommand(t)) return false;
  if (!SELECTOR.test(t) && !PROMQL_FUNCTION.test(t)) return false;
  let depth = 0;
  for (const c of t.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')) {
    if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c) && --depth < 0) return false;
  }
  return depth === 0;
}

/** The sentence of `text` that holds `span` (Markdown kept), at most `max` characters. */
export function sentenceAround(text: string, span: string, max = 300): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').trim();
  const at = flat.indexOf(span);
  if (at < 0) return flat.slice(0, max);
  const before = flat.slice(0, at);
  const start = Math.max(before.lastIndexOf('. '), before.lastIndexOf('? '), before.lastIndexOf('! ')) + 1;
  const after = flat.slice(at + span.length).search(/[.?!](\s|$)/);
  const end = after < 0 ? flat.length : at + span.length + after + 1;
  const sentence = flat.slice(start, end).trim();
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}
