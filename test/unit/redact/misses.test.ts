// Issue #16: secrets the hand-written patterns missed, each in a realistic piece of tool output, through the whole
// pipeline (redactText). Every secret must go; the text a reader needs stays. Provider-shaped tokens are built at
// run time, so the source holds no literal that looks like a live key.
import { describe, expect, it } from 'vitest';
import { redactText } from '../../../engine/execution/redact';

const ALNUM = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYzCq';
const fake = (prefix: string, n: number, alphabet = ALNUM): string => prefix + Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join('');

function check(text: string, secrets: string[], kept: string[]): string {
  const out = redactText(text);
  for (const s of secrets) {
    expect(text, `the input holds ${s}`).toContain(s);
    expect(out, `${s} survived`).not.toContain(s);
  }
  for (const k of kept) expect(out, `lost: ${k}`).toContain(k);
  expect(redactText(out), 'redacting twice changes nothing more').toBe(out);
  return out;
}

describe('issue #16: what the hand-written patterns missed', () => {
  it('a .netrc', () => {
    const netrc = [
      'machine github.com',
      '  login octocat',
      '  password Netrc-Pass-0ne',
      'machine artifactory.internal login ci password "correct horse battery" account Acct-S3cret',
      'default login anonymous password guest@example.com',
    ].join('\n');
    const out = check(netrc, ['Netrc-Pass-0ne', 'correct horse battery', 'Acct-S3cret', 'guest@example.com'], ['machine github.com', 'login octocat', 'machine artifactory.internal login ci password']);
    expect(out).toContain('  password [REDACTED:password]\n');
  });

  it('a .pgpass', () => {
    const pgpass = ['# hostname:port:database:username:password', 'db.internal:5432:orders:app:Pg-pass-2024', '*:*:*:replicator:repl\\:with\\:colons', '/var/run/postgresql:5432:*:postgres:local socket pass'].join('\n');
    const out = check(pgpass, ['Pg-pass-2024', 'repl\\:with\\:colons', 'local socket pass'], ['# hostname:port:database:username:password', 'db.internal:5432:orders:app:', '*:*:*:replicator:']);
    expect(out).toContain('db.internal:5432:orders:app:[REDACTED:password]');
  });

  it('mysql -uroot -pS3cret (the password glued to -p)', () => {
    const out = check("$ mysql -uroot -pS3cret -h db.internal -e 'SHOW PROCESSLIST'\nmysqldump -u backup -p'Dump S3cret' orders > orders.sql", ['S3cret', 'Dump S3cret'], [
      '-h db.internal',
      "'SHOW PROCESSLIST'",
      'orders > orders.sql',
    ]);
    expect(out).toContain('mysql -uroot -p[REDACTED:password] -h db.internal');
  });

  it('psql --password hunter2 and other --flag VALUE passwords', () => {
    const out = check('+ psql --password hunter2 -h db.internal -U app orders\n+ vault login -method=userpass username=ops --token s.Tok3nValue9\n+ app --client-secret "Cl1ent s3cret"', [
      'hunter2',
      's.Tok3nValue9',
      'Cl1ent s3cret',
    ], ['-h db.internal -U app orders', 'username=ops']);
    expect(out).toContain('psql --password [REDACTED:password] -h');
  });

  it('a Google OAuth access token (ya29.)', () => {
    const ya29 = fake('ya29.a0AfB_', 120, `${ALNUM}-_`);
    check(`$ gcloud auth print-access-token\n${ya29}\n$ curl -H "Authorization: Bearer ${ya29}" https://storage.googleapis.com/storage/v1/b`, [ya29], ['gcloud auth print-access-token', 'https://storage.googleapis.com/storage/v1/b']);
  });

  it('Vault tokens: hvs., hvb., hvr., short and long', () => {
    const short = fake('hvs.', 24);
    const long = fake('hvs.CAESI', 91);
    const batch = fake('hvb.AAAAAQ', 140);
    const recovery = fake('hvr.', 24);
    const table = ['Key                  Value', '---                  -----', `token                ${short}`, 'token_accessor       0LbeDhYmxSwNcB5Ya2rwy4fC', `wrapped              ${long}`, `batch                ${batch}`, `recovery             ${recovery}`].join('\n');
    check(table, [short, long, batch, recovery], ['token_accessor       0LbeDhYmxSwNcB5Ya2rwy4fC', 'Key                  Value']);
  });

  it('an Azure SAS URL (sig=)', () => {
    const sig = 'hT8d2m%2FYpQ4rS6tU8vW0xYzCq3dE5fG7hJ9kL1mN2p%3D';
    const out = check(`az storage blob generate-sas ... --full-uri\n"https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-05-03T00%3A00%3A00Z&spr=https&sig=${sig}"`, [sig], [
      'https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r',
    ]);
    expect(out).toContain('&sig=[REDACTED:signature]"');
  });

  it('an S3 presigned URL (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token)', () => {
    const keyId = fake('ASIA', 16, 'ABCDEFGHJKLMNPQRSTUVWXYZ234567');
    const token = fake('IQoJb3JpZ2luX2VjE', 200, `${ALNUM}%`);
    const signature = fake('', 64, '0123456789abcdef');
    const url = `https://backups.s3.eu-west-1.amazonaws.com/db/2024-05-02.sql.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${keyId}%2F20240502%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20240502T142001Z&X-Amz-Expires=3600&X-Amz-Security-Token=${token}&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`;
    check(`$ aws s3 presign s3://backups/db/2024-05-02.sql.gz\n${url}`, [keyId, token, signature], ['https://backups.s3.eu-west-1.amazonaws.com/db/2024-05-02.sql.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Expires=3600']);
  });

  it('a Slack webhook URL', () => {
    const path = `T${fake('', 8, 'ABCDEFGH0123')}/B${fake('', 10, 'ABCDEFGH0123')}/${fake('', 24)}`;
    const out = check(`curl -sS -X POST -H 'Content-type: application/json' --data '{"text":"disk full on db-1"}' https://hooks.slack.com/services/${path}\nok`, [path], ['disk full on db-1', 'https://hooks.slack.com/services/']);
    expect(out).toContain('https://hooks.slack.com/services/[REDACTED:slack_webhook]');
  });

  it('secrets in XML config: elements, CDATA, key/value attributes', () => {
    const xml = [
      '<settings>',
      '  <servers>',
      '    <server>',
      '      <id>nexus</id>',
      '      <username>deployer</username>',
      '      <password>Mvn-S3cret!</password>',
      '      <passphrase><![CDATA[Key <pass> phrase]]></passphrase>',
      '    </server>',
      '  </servers>',
      '</settings>',
      '<appSettings>',
      '  <add key="DbPassword" value="W3b-S3cret" />',
      '  <add key="LogLevel" value="Warning" />',
      '</appSettings>',
      '<bean id="ds"><property name="password" value="Spr1ng-S3cret"/><property name="url" value="jdbc:postgresql://db/app"/></bean>',
      '<user name="ops" password="Attr S3cret" />',
    ].join('\n');
    const out = check(xml, ['Mvn-S3cret!', 'Key <pass> phrase', 'W3b-S3cret', 'Spr1ng-S3cret', 'Attr S3cret'], [
      '<id>nexus</id>',
      '<username>deployer</username>',
      '<add key="LogLevel" value="Warning" />',
      '<property name="url" value="jdbc:postgresql://db/app"/>',
    ]);
    expect(out).toContain('<password>[REDACTED:password]</password>');
    expect(out).toContain('<add key="DbPassword" value="[REDACTED:password]" />');
  });

  it('a kubectl Secret with block scalars (password: |, token: >-)', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: app-config',
      'type: Opaque',
      'stringData:',
      '  password: |',
      '    Bl0ck-S3cret-line1',
      '    Bl0ck-S3cret-line2',
      '',
      '    Bl0ck-S3cret-line4',
      '  token: >-',
      '    F0lded-t0ken-part1',
      '    F0lded-t0ken-part2',
      '  config.yaml: |',
      '    log_level: info',
      '    db_password: Inner-S3cret',
      '  username: app',
    ].join('\n');
    const out = check(yaml, ['Bl0ck-S3cret-line1', 'Bl0ck-S3cret-line2', 'Bl0ck-S3cret-line4', 'F0lded-t0ken-part1', 'F0lded-t0ken-part2', 'Inner-S3cret'], [
      'name: app-config',
      'config.yaml: |',
      'log_level: info',
      'username: app',
    ]);
    expect(out).toContain('  password: |\n    [REDACTED:password]\n  token: >-\n    [REDACTED:token]\n  config.yaml');
  });

  it('passwords with spaces or @: ini key = value, quoted YAML, URLs', () => {
    const myCnf = '[client]\nuser = backup\npassword = correct horse @ battery\nhost = db.internal';
    const out = check(myCnf, ['correct horse @ battery'], ['user = backup', 'host = db.internal']);
    expect(out).toContain('password = [REDACTED:password]\n');
    check('env:\n  DB_PASSWORD: "S3 cret with spaces"\n  DB_USER: app', ['S3 cret with spaces'], ['DB_USER: app']);
    check('export PGPASSWORD="a b@c d"; psql -h db', ['a b@c d'], ['psql -h db']);
    const url = check('fatal: could not read from https://deploy:p@ss@w0rd@git.example.com/acme/app.git', ['p@ss@w0rd'], ['https://deploy:', '@git.example.com/acme/app.git']);
    expect(url).toContain('https://deploy:[REDACTED:password]@git.example.com/acme/app.git');
  });

  it('a GitHub token in the user part of a URL (TOKEN:x-oauth-basic@)', () => {
    const gho = fake('gho_', 36);
    const out = check(`git remote -v\norigin  https://${gho}:x-oauth-basic@github.com/acme/app.git (fetch)`, [gho], ['@github.com/acme/app.git (fetch)']);
    expect(out).toContain('origin  https://[REDACTED:');
  });
});
