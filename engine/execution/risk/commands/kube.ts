// kubectl and oc: the read verbs with the flags they take. Flags that choose another cluster's configuration
// (--kubeconfig, --server, --cache-dir) or write files (--profile-output, --output-directory) are not listed, so
// a repository or an alert value that puts them on the command line makes it a write.
import { worst, write, type Verdict } from '../verdict';
import type { Parsed, RuleContext, Spec } from '../spec';

const GLOBAL = {
  flags: '--insecure-skip-tls-verify --match-server-version --warnings-as-errors --disable-compression',
  values: '-n --namespace --context --cluster --user --as --as-group --as-uid --request-timeout -v --v --tls-server-name',
};

/** Options before the verb that take a value: the classifier's, and those that pick another cluster's configuration. */
const BEFORE_VERB_VALUED = new Set([...GLOBAL.values.split(' '), '--kubeconfig', '-s', '--server', '--cache-dir']);

/** Where the verb is among kubectl's (or oc's) arguments: the first word that is no option and no option's value; -1 if none. */
export function kubeVerbAt(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    if (BEFORE_VERB_VALUED.has(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) return i;
  }
  return -1;
}

const SELECT = '-l --selector --field-selector --chunk-size';
const OUTPUT = '-o --output --template --sort-by -L --label-columns';

/** `exec POD -- CMD` is judged by CMD; interactive or shell-less exec is a write. */
function exec(name: string) {
  return (p: Parsed, ctx: RuleContext): Verdict | null => {
    if (p.rest.length === 0) return write(`\`${name} exec\` without \`-- COMMAND\` opens a shell`);
    const inner = worst(ctx.argv([...p.rest]), '');
    return 'write' in inner ? inner : null;
  };
}

function table(name: string): Spec {
  return {
    ...GLOBAL,
    sub: {
      get: { flags: '-A --all-namespaces -w --watch --watch-only --show-labels --no-headers --show-kind --ignore-not-found --allow-missing-template-keys -R --recursive --output-watch-events --server-print', values: `${SELECT} ${OUTPUT} -f --filename --raw --subresource` },
      describe: { flags: '-A --all-namespaces -R --recursive', values: `${SELECT} -f --filename`, optional: '--show-events' },
      logs: { flags: '-p --previous -f --follow --timestamps --all-containers --prefix --ignore-errors --insecure-skip-tls-verify-backend', values: '-c --container --tail --since --since-time --limit-bytes -l --selector --max-log-requests --pod-running-timeout', maxArgs: 2 },
      log: { flags: '-p --previous -f --follow --timestamps --all-containers --prefix', values: '-c --container --tail --since --since-time --limit-bytes -l --selector', maxArgs: 2 },
      'top pod': { flags: '-A --all-namespaces --containers --no-headers --use-protocol-buffers --sum', values: '-l --selector --sort-by --field-selector' },
      'top pods': { flags: '-A --all-namespaces --containers --no-headers --use-protocol-buffers --sum', values: '-l --selector --sort-by --field-selector' },
      'top po': { flags: '-A --all-namespaces --containers --no-headers --use-protocol-buffers --sum', values: '-l --selector --sort-by --field-selector' },
      'top node': { flags: '--no-headers --use-protocol-buffers --show-capacity', values: '-l --selector --sort-by' },
      'top nodes': { flags: '--no-headers --use-protocol-buffers --show-capacity', values: '-l --selector --sort-by' },
      'top no': { flags: '--no-headers --use-protocol-buffers --show-capacity', values: '-l --selector --sort-by' },
      explain: { flags: '--recursive', values: '--api-version -o --output' },
      'api-resources': { flags: '--no-headers --cached', values: '--api-group -o --output --verbs --sort-by --categories', optional: '--namespaced' },
      'api-versions': { maxArgs: 0 },
      version: { flags: '--client', values: '-o --output', maxArgs: 0 },
      'cluster-info': { maxArgs: 0 },
      events: { flags: '-A --all-namespaces -w --watch --no-headers', values: '--for --types -o --output --chunk-size' },
      wait: { flags: '-A --all-namespaces --all -R --recursive', values: `--for --timeout ${SELECT} -f --filename -o --output` },
      'auth can-i': { flags: '-A --all-namespaces --list -q --quiet --no-headers', values: '--subresource' },
      'auth whoami': { values: '-o --output', maxArgs: 0 },
      'config view': { flags: '--minify --flatten --raw', values: '-o --output --template', maxArgs: 0 },
      'config get-contexts': { flags: '--no-headers', values: '-o --output' },
      'config current-context': { maxArgs: 0 },
      'config get-clusters': { maxArgs: 0 },
      'config get-users': { maxArgs: 0 },
      'rollout status': { flags: '-w --watch -R --recursive', values: '--timeout --revision -l --selector -f --filename' },
      'rollout history': { flags: '-R --recursive', values: '--revision -o --output -l --selector -f --filename' },
      exec: { values: '-c --container --pod-running-timeout', flags: '-q --quiet', check: exec(name) },
      // oc only
      status: { flags: '--suggest', values: '-o --output', maxArgs: 0 },
      whoami: { flags: '-t --show-token --show-server --show-console --show-context', maxArgs: 0 },
      projects: { flags: '-q --short', maxArgs: 0 },
      // `oc project NAME` switches the current project in the kubeconfig: only the bare form prints.
      project: { flags: '-q --short', maxArgs: 0 },
      'adm top pod': { flags: '-A --all-namespaces --containers --no-headers', values: '-l --selector --sort-by' },
      'adm top pods': { flags: '-A --all-namespaces --containers --no-headers', values: '-l --selector --sort-by' },
      'adm top node': { flags: '--no-headers --show-capacity', values: '-l --selector --sort-by' },
      'adm top nodes': { flags: '--no-headers --show-capacity', values: '-l --selector --sort-by' },
      'adm node-logs': { flags: '--raw -b --boot', values: '--role -u --unit --path -g --grep --since --until --tail -o --output -l --selector', optional: '--case-sensitive' },
      'serviceaccounts get-token': { maxArgs: 1 },
      'sa get-token': { maxArgs: 1 },
    },
  };
}

export const kube: Record<string, Spec> = { kubectl: table('kubectl'), oc: table('oc') };
