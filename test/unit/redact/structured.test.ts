import { describe, expect, it } from 'vitest';
import { redactCliPasswords, redactNetrc, redactPgpass, redactSignedUrlParams } from '../../../engine/execution/redact/structured';

describe('redactNetrc', () => {
  it('redacts password and account values, on one line or several', () => {
    expect(redactNetrc('machine h login u password p1 account a1')).toBe('machine h login u password [REDACTED:password] account [REDACTED:password]');
    expect(redactNetrc('machine h\n\tlogin u\n\tpassword p2\n')).toBe('machine h\n\tlogin u\n\tpassword [REDACTED:password]\n');
    expect(redactNetrc('default password "with space"')).toBe('default password [REDACTED:password]');
    expect(redactNetrc('machine h login u password p3\r\nmachine i login v password p4\r\n')).toBe(
      'machine h login u password [REDACTED:password]\r\nmachine i login v password [REDACTED:password]\r\n',
    );
  });

  it('leaves lines that are not made of .netrc keywords alone', () => {
    expect(redactNetrc('machine h login u password p5 machine i login')).toBe('machine h login u password [REDACTED:password] machine i login');
    expect(redactNetrc('machine h login u password p6 machine i pass')).toBe('machine h login u password [REDACTED:password] machine i pass');
    expect(redactNetrc('password p7 done')).toBe('password p7 done');
    for (const line of ['password authentication failed for user app', 'reset password for admin', 'password', 'machine password login', 'password $NETRC_PASSWORD', 'password [REDACTED:password]']) {
      expect(redactNetrc(line)).toBe(line);
    }
  });
});

describe('redactPgpass', () => {
  it('redacts the fifth field', () => {
    expect(redactPgpass('db:5432:app:app:p w')).toBe('db:5432:app:app:[REDACTED:password]');
    expect(redactPgpass('10.0.0.5:*:*:repl:a:b:c')).toBe('10.0.0.5:*:*:repl:[REDACTED:password]');
    expect(redactPgpass('\\:\\:1:5432:app:app:pw')).toBe('\\:\\:1:5432:app:app:[REDACTED:password]');
  });

  it('leaves comments, times, addresses and other colon lists alone', () => {
    for (const line of ['#db:5432:app:app:pw', '12:30:45:123:done', 'fe80:0:0:0:200:f8ff:fe21:67cf', 'aa:bb:cc:dd:ee:ff', 'db:5432:app:app:', 'a b:5432:app:app:pw', 'db:http:app:app:pw']) {
      expect(redactPgpass(line)).toBe(line);
    }
  });
});

describe('redactCliPasswords', () => {
  it('redacts -p glued to a mysql-family command', () => {
    expect(redactCliPasswords('mysql -uroot -pS3cret db')).toBe('mysql -uroot -p[REDACTED:password] db');
    expect(redactCliPasswords('mariadb-dump -u b -p"a b" x')).toBe('mariadb-dump -u b -p"[REDACTED:password]" x');
    expect(redactCliPasswords("sudo mysqladmin -p'pw' status")).toBe("sudo mysqladmin -p'[REDACTED:password]' status");
  });

  it('leaves -p alone elsewhere, and mysql -p without a value', () => {
    for (const line of ['mkdir -p /x', 'ssh -p 22 h', 'mysql -p db', 'kubectl logs -p pod', 'echo mysql; mkdir -pv /x'.replace('; ', '\n')]) {
      expect(redactCliPasswords(line)).toBe(line);
    }
  });

  it('redacts the value after a flag named like a secret', () => {
    expect(redactCliPasswords('psql --password hunter2 -h db')).toBe('psql --password [REDACTED:password] -h db');
    expect(redactCliPasswords("app -token 'a b' --secret-key=x")).toBe("app -token '[REDACTED:token]' --secret-key=x");
    expect(redactCliPasswords('cli --api-key k1 --verbose')).toBe('cli --api-key [REDACTED:api_key] --verbose');
    expect(redactCliPasswords('sshpass -p pw ssh host')).toBe('sshpass -p [REDACTED:password] ssh host');
  });

  it('leaves flags that are about a secret, or take no value, alone', () => {
    for (const line of [
      'docker login --password-stdin registry -u ci',
      'psql --no-password db',
      'app --password-file /run/secrets/pw',
      'app --secret-name db-creds',
      'app --password --verbose',
      'app --token $TOKEN',
      'app --password | tee x',
    ]) {
      expect(redactCliPasswords(line)).toBe(line);
    }
  });
});

describe('redactSignedUrlParams', () => {
  it('redacts signatures and credentials in query strings', () => {
    expect(redactSignedUrlParams('u?sv=1&sig=abc%3D&se=2')).toBe('u?sv=1&sig=[REDACTED:signature]&se=2');
    expect(redactSignedUrlParams('u?X-Goog-Credential=a%2Fb&X-Goog-Signature=00ff')).toBe('u?X-Goog-Credential=[REDACTED:credential]&X-Goog-Signature=[REDACTED:signature]');
    expect(redactSignedUrlParams('u?Expires=1&Signature=abc~&Key-Pair-Id=K1')).toBe('u?Expires=1&Signature=[REDACTED:signature]&Key-Pair-Id=K1');
    expect(redactSignedUrlParams('u?X-Amz-Security-Token=FwoG')).toBe('u?X-Amz-Security-Token=[REDACTED:token]');
  });

  it('needs the parameter in a query string', () => {
    for (const line of ['sig=SIGTERM', 'signature=ok in a log', 'u?signature_version=4', 'u?sig=[REDACTED:signature]']) expect(redactSignedUrlParams(line)).toBe(line);
  });
});
