// curl and wget: a GET that prints is a read; other methods, request bodies, uploads and saved files are writes.
import { harmlessSinks, has, splitArgs, valuesOf } from './args';
import type { Word } from './parse';
import { read, write, type Verdict } from './verdict';

const curlValue = [
  '-o', '--output', '-X', '--request', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii', '--json',
  '-H', '--header', '-u', '--user', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '-c', '--cookie-jar', '-D',
  '--dump-header', '-F', '--form', '--form-string', '-T', '--upload-file', '-K', '--config', '-m', '--max-time', '-w',
  '--write-out', '-x', '--proxy', '-r', '--range', '-E', '--cert', '--key', '--cacert', '-C', '--continue-at', '-y', '-Y',
  '-z', '-Q', '--quote', '-t', '-P', '-U', '--connect-timeout', '--retry', '--resolve', '--trace', '--trace-ascii',
  '--stderr', '--libcurl', '--etag-save', '--hsts', '--alt-svc', '--url', '--mail-from', '--mail-rcpt', '--unix-socket',
];

export const curl = (args: Word[]): Verdict => {
  const s = splitArgs(args, { value: curlValue });
  const method = valuesOf(s, '-X', '--request')[0];
  if (method !== undefined && !/^(GET|HEAD|OPTIONS)$/i.test(method)) return write(`\`curl -X ${method}\` sends a ${method} request`);
  const body = ['-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii'].find((f) => has(s, f));
  // -G moves -d data into the query string of a GET.
  if (body && !has(s, '-G', '--get')) return write(`\`curl ${body}\` sends a request body (POST)`);
  const upload = ['--json', '-F', '--form', '--form-string', '-T', '--upload-file', '-Q', '--quote', '--mail-rcpt'].find((f) => has(s, f));
  if (upload) return write(`\`curl ${upload}\` uploads data`);
  if (has(s, '-K', '--config')) return write('`curl -K` reads options from a file that was not checked');
  if (has(s, '-O', '--remote-name', '--remote-name-all', '-J')) return write('`curl -O` saves a file');
  const fileFlags = ['-o', '--output', '-D', '--dump-header', '-c', '--cookie-jar', '--trace', '--trace-ascii', '--stderr', '--libcurl', '--etag-save', '--hsts', '--alt-svc'];
  for (const f of fileFlags) {
    const target = valuesOf(s, f).find((v) => !harmlessSinks.has(v));
    if (target !== undefined) return write(`\`curl ${f}\` writes ${target}`);
  }
  return read('`curl` GET that prints the response');
};

export const wget = (args: Word[]): Verdict => {
  const s = splitArgs(args, { value: ['-O', '--output-document', '-o', '--output-file', '-a', '--append-output', '-P', '--directory-prefix', '--method', '--post-data', '--post-file', '--body-data', '--body-file', '-e', '--execute', '--header', '-U', '--user-agent', '-T', '--timeout', '-t', '--tries'] });
  const method = valuesOf(s, '--method')[0];
  if (method !== undefined && !/^(GET|HEAD)$/i.test(method)) return write(`\`wget --method ${method}\` sends a ${method} request`);
  if (has(s, '--post-data', '--post-file', '--body-data', '--body-file')) return write('`wget` sends a request body');
  if (has(s, '-e', '--execute')) return write('`wget -e` runs wgetrc commands');
  const log = valuesOf(s, '-o', '--output-file', '-a', '--append-output').find((v) => !harmlessSinks.has(v));
  if (log !== undefined) return write(`\`wget -o\` writes ${log}`);
  const doc = valuesOf(s, '-O', '--output-document');
  if (has(s, '--spider') || (doc.length > 0 && doc.every((v) => harmlessSinks.has(v)))) return read('`wget` to stdout or --spider');
  return write(`\`wget\` saves ${doc[0] ?? 'the download'} to a file`);
};
