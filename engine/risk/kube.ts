// kubectl and oc: reads are get/describe/logs/top and friends; `exec … -- CMD` is judged by CMD.
import { splitArgs } from './args';
import type { Word } from './parse';
import { subcommands } from './subcommands';
import { worst, write, type Context, type Verdict } from './verdict';

const value = [
  '-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-s', '--server', '--token', '--as',
  '--as-group', '--request-timeout', '-v', '--v', '--certificate-authority', '--client-certificate', '--client-key',
  '--tls-server-name', '--cache-dir', '-o', '--output', '-l', '--selector', '-c', '--container', '--field-selector',
  '--sort-by', '--tail', '--since', '--since-time', '-L', '--label-columns', '--template', '--chunk-size', '--for',
  '--timeout', '--raw', '--subresource', '--max-log-requests', '--pod-running-timeout',
];

const readPaths = [
  ['get'], ['describe'], ['logs'], ['log'], ['top'], ['explain'], ['api-resources'], ['api-versions'], ['version'],
  ['cluster-info'], ['events'], ['diff'], ['wait'], ['auth', 'can-i'], ['auth', 'whoami'], ['config', 'view'],
  ['config', 'get-contexts'], ['config', 'current-context'], ['config', 'get-clusters'], ['config', 'get-users'],
  ['rollout', 'status'], ['rollout', 'history'],
  // oc only
  ['status'], ['whoami'], ['projects'], ['project'], ['adm', 'top'], ['adm', 'node-logs'], ['sa', 'get-token'],
  ['serviceaccounts', 'get-token'], ['get-token'],
];

export function kube(name: string): (args: Word[], ctx: Context) => Verdict {
  const table = subcommands(name, { value, read: readPaths, writeFlags: ['--output-directory'] });
  return (args, ctx) => {
    const split = splitArgs(args, { value });
    const [sub, second] = split.positionals;
    // `oc project NAME` switches the current project in the kubeconfig.
    if (sub?.text === 'project' && second) return write(`\`${name} project ${second.text}\` changes the current project`);
    if (sub?.text === 'exec' && !sub.dynamic) {
      const dash = args.findIndex((a) => a.text === '--');
      if (dash < 0 || dash === args.length - 1) return write(`\`${name} exec\` without \`-- COMMAND\` opens a shell`);
      if (args.slice(0, dash).some((a) => /^-(i|t|it|ti)$|^--stdin|^--tty/.test(a.text))) {
        return write(`\`${name} exec -i/-t\` is interactive`);
      }
      return worst(ctx.argv(args.slice(dash + 1)), `\`${name} exec\` runs a read-only command`);
    }
    return table(args);
  };
}
