// psql: read-only when every -c is a SELECT/SHOW/EXPLAIN/TABLE/VALUES/WITH (or a \d listing) that names no
// statement that writes and calls only functions known to have no side effects. So the runbook favourite
// `SELECT pg_terminate_backend(pid) …` is a write, and so is any user function, however it is spelled
// (`"lo_import"(…)`, `lo_import/**/(…)`, `pg_catalog.lo_import(…)`). No -c (SQL from stdin) is a write.
import { hostPortProblem } from '../../net/hosts';
import { write } from '../verdict';
import { valuesOf, type Spec } from '../spec';

const WRITE_WORDS = /\b(insert|update|delete|merge|upsert|create|drop|alter|truncate|grant|revoke|copy|vacuum|lock|reindex|cluster|refresh|call|do|execute|prepare|listen|notify|comment|security|import|load|discard|checkpoint|into|reset|set)\b/i;
const FIRST_WORDS = /^(select|show|explain|table|values|with)\b/i;
const PURE = new Set(
  ('count sum avg min max now coalesce nullif greatest least round floor ceil abs length lower upper substring substr left right ' +
    'trim concat string_agg array_agg json_agg jsonb_agg to_char to_timestamp date_trunc extract age current_setting ' +
    'pg_size_pretty pg_database_size pg_relation_size pg_total_relation_size pg_table_size pg_indexes_size pg_is_in_recovery ' +
    'pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp pg_current_wal_lsn pg_wal_lsn_diff ' +
    'pg_blocking_pids pg_postmaster_start_time version pg_backend_pid clock_timestamp row_number rank dense_rank format ' +
    'split_part regexp_replace percentile_cont bool_or bool_and pg_get_userbyid pg_get_indexdef pg_get_viewdef ' +
    'pg_get_constraintdef unnest generate_series array_length cardinality json_build_object jsonb_build_object to_json')
    .split(/\s+/),
);
const KEYWORDS = new Set(
  ('in as from over filter exists any all some values cast case when then else and or not on using join where select ' +
    'interval array row partition within group by lateral with between is distinct having order limit offset union except ' +
    'intersect like ilike similar escape numeric decimal varchar char timestamp time date float int bigint integer text')
    .split(/\s+/),
);

/**
 * SQL with literals blanked, comments removed and quoted identifiers unquoted (so `"lo_import"(` reads as a call
 * to lo_import); null when it uses a form this reader does not take apart (E'…' escapes, U&"…", dollar quotes).
 */
function normalise(sql: string): string | null {
  if (/(^|[^A-Za-z0-9_])[eE]'|[uU]&["']|\$[A-Za-z_0-9]*\$/.test(sql)) return null;
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out += "''";
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let name = '';
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) {
        name += sql[j];
        j += sql[j] === '"' ? 2 : 1;
      }
      // A quoted identifier is still a name (a function when a parenthesis follows).
      out += /^[A-Za-z_][\w$]*$/.test(name) ? name : 'quoted_identifier';
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += ' ';
    } else if (c === '/' && sql[i + 1] === '*') {
      // PostgreSQL block comments nest.
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0 && i < sql.length);
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Why the SQL is not read-only, or null if it is. */
export function sqlWriteReason(sql: string): string | null {
  const meta = sql.trim();
  if (meta.startsWith('\\')) {
    return /^\\(d[a-zA-Z+]*|l\+?|conninfo|x)(\s+[\w.*"+-]+)*\s*$/.test(meta) ? null : `psql meta-command \`${meta.split(/\s/)[0]}\` is not known to be read-only`;
  }
  const bare = normalise(sql);
  if (bare === null) return 'SQL with escape strings, Unicode identifiers or dollar quoting is not known to be read-only';
  if (bare.includes('\\')) return 'SQL with psql meta-commands is not known to be read-only';
  for (const stmt of bare.split(';').map((s) => s.trim()).filter(Boolean)) {
    if (!FIRST_WORDS.test(stmt)) return `SQL \`${stmt.split(/\s/)[0]}\` is not known to be read-only`;
    const word = WRITE_WORDS.exec(stmt);
    if (word) return `SQL contains \`${word[1]!.toUpperCase()}\``;
    for (const call of stmt.matchAll(/([A-Za-z_][\w.$]*)\s*\(/g)) {
      const fn = call[1]!.toLowerCase().replace(/^pg_catalog\./, '');
      if (!PURE.has(fn) && !KEYWORDS.has(fn)) return `SQL calls \`${fn}()\`, not known to be read-only`;
    }
  }
  return null;
}

export const psql: Spec = {
  flags: '-X -A -t -x -q -a -b -e -E -S -l -w -z -0 -H --no-psqlrc --csv --html --no-align --tuples-only --expanded --quiet --echo-all --echo-errors --echo-queries --echo-hidden --single-line --list --no-password --field-separator-zero --record-separator-zero --no-readline',
  values: '-c -h -p -U -d -v -P -F -R -T --command --host --port --username --dbname --set --variable --pset --field-separator --record-separator --table-attr',
  maxArgs: 2,
  check: (p, ctx) => {
    // A host named on the command line (or in a connection string) must be allowed: psql sends it credentials.
    const hosts = [...valuesOf(p, '-h', '--host'), ...p.positionals.flatMap((w) => /(?:^|\s)host=(\S+)/.exec(w.text)?.[1] ?? (/^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(w.text)?.[1] ?? []))];
    return hostCheck(hosts, ctx.allowedHosts) ?? sqlCheck(valuesOf(p, '-c', '--command'), p.options.has('-l') || p.options.has('--list'));
  },
};

function hostCheck(hosts: readonly string[], allowedHosts: readonly string[]) {
  for (const h of hosts) {
    if (h.startsWith('/')) continue; // a Unix socket folder: the local server
    const problem = hostPortProblem(h, allowedHosts);
    if (problem) return write(`\`psql\` ${problem}`);
  }
  return null;
}

function sqlCheck(sql: readonly string[], listing: boolean) {
  if (listing && sql.length === 0) return null;
  if (sql.length === 0) return write('`psql` without -c runs SQL from its input');
  for (const text of sql) {
    const why = sqlWriteReason(text);
    if (why) return write(why);
  }
  return null;
}
