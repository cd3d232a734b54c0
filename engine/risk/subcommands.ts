import { has, splitArgs, type FlagSpec } from './args';
import type { Word } from './parse';
import { read, write, type Verdict } from './verdict';

export interface SubcommandTable extends FlagSpec {
  /** Read-only subcommand prefixes, e.g. ['get'], ['rollout', 'status']; [] allows the bare command; a last '$' means exactly. */
  read: readonly (readonly string[])[];
  /** Flags that make any subcommand write (e.g. `--output` files). */
  writeFlags?: readonly string[];
}

/** Rule for `tool SUB [SUB…] [flags]` CLIs: read only when the leading positionals match a read-only path. */
export function subcommands(name: string, table: SubcommandTable): (args: Word[]) => Verdict {
  return (args) => {
    const split = splitArgs(args, table);
    const words = split.positionals;
    const badFlag = (table.writeFlags ?? []).find((f) => has(split, f));
    // The longest matching path names the subcommand in the reason.
    let best: readonly string[] | undefined;
    for (const entry of table.read) {
      // A trailing '$' means nothing may follow (`amtool silence` lists, `amtool silence add` does not).
      const exact = entry.at(-1) === '$';
      const path = exact ? entry.slice(0, -1) : entry;
      if ((path.length === 0 || exact) && words.length > path.length) continue;
      if (path.every((p, i) => words[i] !== undefined && !words[i]!.dynamic && words[i]!.text === p)) {
        if (!best || path.length > best.length) best = path;
      }
    }
    const shown = [name, ...words.slice(0, 2).map((w) => w.text)].join(' ');
    if (!best) return write(`\`${shown.trim()}\` is not known to be read-only`);
    const label = [name, ...best].join(' ');
    if (badFlag) return write(`\`${label} ${badFlag}\` writes files`);
    return read(`\`${label}\` is read-only`);
  };
}
