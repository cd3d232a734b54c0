// Network clients. A read only GETs over http(s) from an allowed host, sends no body, and writes no file: curl's
// and wget's config files, uploads, saved files, proxies and Unix sockets are not listed, so they are writes.
import { harmlessSinks } from '../args';
import { allowedUrl } from '../hosts';
import { hostPortProblem } from '../../net/hosts';
import { write, type Verdict } from '../verdict';
import { has, valuesOf, type Parsed, type RuleContext, type Spec } from '../spec';

const sinkOnly = (p: Parsed, label: string, ...flags: string[]): Verdict | null => {
  for (const f of flags) {
    const target = valuesOf(p, f).find((v) => !harmlessSinks.has(v));
    if (target !== undefined) return write(`\`${label} ${f}\` writes ${target}`);
  }
  return null;
};

function urls(p: Parsed, ctx: RuleContext, label: string, flag: string, globoff: boolean): Verdict | null {
  const list = [...p.positionals.map((w) => w.text), ...p.rest.map((w) => w.text), ...valuesOf(p, flag)];
  if (list.length === 0) return write(`\`${label}\` without a URL`);
  for (const u of list) {
    const problem = allowedUrl(u, ctx.allowedHosts, globoff);
    if (problem) return write(`\`${label}\` ${problem}`);
  }
  return null;
}

const curl: Spec = {
  flags:
    '-s -S -k -v -i -I -f -G -L -N -q -4 -6 -g -# --silent --show-error --insecure --verbose --include --head --fail ' +
    '--fail-with-body --fail-early --get --location --no-buffer --compressed --globoff --http1.0 --http1.1 --http2 ' +
    '--http2-prior-knowledge --ipv4 --ipv6 --no-progress-meter --progress-bar --no-keepalive --tcp-nodelay --ssl-no-revoke ' +
    '--tlsv1 --tlsv1.2 --tlsv1.3 --path-as-is --raw --disable --netrc --netrc-optional',
  values:
    '-H -m -A -e -u -b -r -w -o -D -X -d -E -Y -y --header --max-time --connect-timeout --retry --retry-delay --retry-max-time ' +
    '--user-agent --referer --user --cookie --cacert --capath --cert --key --cert-type --key-type --range --url --write-out --output ' +
    '--dump-header --stderr --request --data --data-raw --data-urlencode --data-ascii --data-binary --max-filesize --limit-rate ' +
    '--speed-limit --speed-time --max-redirs --oauth2-bearer --etag-compare --proto --proto-redir',
  check: (p, ctx) => {
    const method = valuesOf(p, '-X', '--request')[0];
    if (method !== undefined && !/^(GET|HEAD|OPTIONS)$/i.test(method)) return write(`\`curl -X ${method}\` sends a ${method} request`);
    // -G turns -d data into the query string of a GET.
    if (has(p, '-d', '--data', '--data-raw', '--data-urlencode', '--data-ascii', '--data-binary') && !has(p, '-G', '--get')) return write('`curl -d` sends a request body (POST)');
    // curl 8.3+ writes files named by `%output{…}` in -w.
    if (valuesOf(p, '-w', '--write-out').some((v) => v.includes('%output'))) return write('`curl -w %output{…}` writes a file');
    return sinkOnly(p, 'curl', '-o', '--output', '-D', '--dump-header', '--stderr') ?? urls(p, ctx, 'curl', '--url', has(p, '-g', '--globoff'));
  },
};

const wget: Spec = {
  flags: '-q -S -4 -6 -v -nv --quiet --server-response --spider --no-verbose --verbose --no-check-certificate --no-proxy --no-cache --no-cookies --content-on-error --no-dns-cache --inet4-only --inet6-only',
  values: '-O -T -t -U --output-document --timeout --tries --header --user-agent --ca-certificate --certificate --private-key --user --password --max-redirect --dns-timeout --connect-timeout --read-timeout --limit-rate --method',
  check: (p, ctx) => {
    const method = valuesOf(p, '--method')[0];
    if (method !== undefined && !/^(GET|HEAD)$/i.test(method)) return write(`\`wget --method ${method}\` sends a ${method} request`);
    const doc = valuesOf(p, '-O', '--output-document');
    // Without -O to stdout (or --spider) wget saves the download to a file.
    if (!has(p, '--spider') && (doc.length === 0 || doc.some((v) => !harmlessSinks.has(v)))) return write(`\`wget\` saves ${doc[0] ?? 'the download'} to a file`);
    return urls(p, ctx, 'wget', '--url', true);
  },
};

const x509 = '-in -inform -nameopt -certopt -checkend -ext';
const openssl: Spec = {
  singleDash: true,
  sub: {
    x509: { singleDash: true, flags: '-noout -text -enddate -startdate -dates -subject -issuer -serial -fingerprint -hash -subject_hash -issuer_hash -purpose -pubkey -modulus -email -ocsp_uri -alias -sha1 -sha256 -md5', values: x509, maxArgs: 0 },
    verify: { singleDash: true, flags: '-verbose -show_chain -no-CAfile -no-CApath -partial_chain -crl_check -x509_strict', values: '-CAfile -CApath -untrusted -purpose -attime -verify_hostname' },
    crl: { singleDash: true, flags: '-noout -text -nextupdate -lastupdate -issuer -hash -fingerprint', values: '-in -inform -CAfile', maxArgs: 0 },
    req: { singleDash: true, flags: '-noout -text -subject -pubkey -verify', values: '-in -inform -nameopt', maxArgs: 0 },
    asn1parse: { singleDash: true, flags: '-i -dump -noout', values: '-in -inform -strparse -length -offset', maxArgs: 0 },
    ciphers: { singleDash: true, flags: '-v -V -s -tls1_2 -tls1_3 -stdname' },
    version: { singleDash: true, flags: '-a -v -b -o -f -p -d', maxArgs: 0 },
    s_client: {
      singleDash: true,
      flags: '-showcerts -verify_return_error -brief -tls1_2 -tls1_3 -status -quiet -prexit -ign_eof -crlf -msg -state -nbio -partial_chain',
      values: '-connect -servername -CAfile -CApath -verify -alpn -starttls -verify_hostname -cert -key',
      maxArgs: 0,
      check: (p, ctx) => {
        const target = valuesOf(p, '-connect')[0] ?? 'localhost:4433';
        const problem = hostPortProblem(target, ctx.allowedHosts);
        return problem ? write(`\`openssl s_client\` ${problem}`) : null;
      },
    },
  },
};

export const net: Record<string, Spec> = { curl, wget, openssl };
