// The environment a shell step runs with: what a command needs to find programs and format its output, and
// nothing that could carry a credential from the editor or the engine into a step's output.

const BASE = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'USER', 'LOGNAME'];

/** Names never passed on, even when a setting lists them. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|PWD|KEY|CREDENTIAL|AUTH|COOKIE/i;

export function looksSecretEnvName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function scrubbedEnv(source: NodeJS.ProcessEnv, passEnv: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...BASE, ...passEnv]) {
    if (looksSecretEnvName(name)) continue;
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  env.TERM = 'dumb';
  env.RUNBOOK_AGENT = '1';
  return env;
}
