// psql: read-only when every -c is a SELECT/SHOW/EXPLAIN/TABLE/VALUES (or a \d listing) that names no statement
// that writes and calls only functions known to have no side effects. Chosen so that the common
// `SELECT pg_terminate_backend(pid) …` in runbooks is a write. No -c (SQL from stdin or a file) is a write.
import { has, splitArgs, valuesOf } from './args';
import type { Word } from './parse';
import { read, write, type Verdict } from './verdict';

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

/** Why the SQL is not read-only, or null if it is. */
export function sqlWriteReason(sql: string): string | null {
  const meta = sql.trim();
  if (meta.startsWith('\\')) {
    return /^\\(d[a-zA-Z+]*|l\+?|conninfo|x)(\s+[\w.*"+-]+)*\s*$/.test(meta) ? null : `psql meta-command \`${meta.split(/\s/)[0]}\` is not known to be read-only`;
  }
  // Blank out literals and quoted identifiers so their text cannot look like keywords.
  const bare = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""').replace(/--[^\n]*/g, ' ');
  if (bare.includes('\\')) return 'SQL with psql meta-commands is not known to be read-only';
  for (const stmt of bare.split(';').map((s) => s.trim()).filter(Boolean)) {
    if (!FIRST_WORDS.test(stmt)) return `SQL \`${stmt.split(/\s/)[0]}\` is not known to be read-only`;
    const word = WRITE_WORDS.exec(stmt);
    if (word) return `SQL contains \`${word[1]!.toUpperCase()}\``;
    for (const call of stmt.matchAll(/([A-Za-z_][\w.]*)\s*\(/g)) {
      const fn = call[1]!.toLowerCase().replace(/^pg_catalog\./, '');
      if (!PURE.has(fn) && !KEYWORDS.has(fn)) return `SQL calls \`${fn}()\`, not known to be read-only`;
    }
  }
  return null;
}

export const psql = (args: Word[]): Verdict => {
  const s = splitArgs(args, {
    value: ['-c', '--command', '-f', '--file', '-o', '--output', '-L', '--log-file', '-h', '--host', '-p', '--port', '-U', '--username',
      '-d', '--dbname', '-v', '--set', '--variable', '-P', '--pset', '-F', '-R', '-T'],
  });
  if (has(s, '-f', '--file')) return write('`psql -f` runs SQL from a file that was not checked');
  if (has(s, '-o', '--output', '-L', '--log-file')) return write('`psql -o/-L` writes a file');
  if (has(s, '-l', '--list')) return read('`psql -l` lists databases');
  const commands = args.filter((_, i) => i > 0 && ['-c', '--command'].includes(args[i - 1]!.text));
  if (commands.some((w) => w.dynamic)) return write('the SQL given to `psql -c` is built at run time');
  const sql = valuesOf(s, '-c', '--command');
  if (sql.length === 0) return write('`psql` without -c runs SQL from its input');
  for (const text of sql) {
    const why = sqlWriteReason(text);
    if (why) return write(why);
  }
  return read('`psql -c` with read-only SQL');
};
