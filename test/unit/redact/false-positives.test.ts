// Ordinary tool output that looks a little like the new structures (netrc words, pgpass colons, -p flags, XML,
// YAML blocks, signed URLs) or like the rule set's tokens must come through redactText word for word.
import { describe, expect, it } from 'vitest';
import { redactText } from '../../../engine/execution/redact';

const KEPT: Record<string, string[]> = {
  'log lines': [
    '2024-05-02T14:20:01Z INFO checkout-7d9f8b6c5-x2x9k GET /health 200 latency_ms=41',
    'level=info msg="password rotation scheduled" component=vault',
    'ERROR: password authentication failed for user "app"',
    'Accepted publickey for deploy from 10.0.0.5 port 52144 ssh2',
    'password changed for user admin',
    'machine learning pipeline started on node-3',
    'login succeeded for user admin',
    'May  2 14:20:01 web-1 sshd[812]: Connection closed by 10.0.0.7 port 52144 [preauth]',
    'task-runner: disk-usage at 91% on /var/lib/docker (msg.size=4096)',
    'the secret store is reachable; 3 secrets synced',
  ],
  'git and ids': [
    'commit 3f786850e387550fdab836ed7e6dc881de23001b',
    '1a2b3c4 (HEAD -> main, origin/main) fix: rotate tokens weekly',
    'uid 123e4567-e89b-12d3-a456-426614174000',
    'sha256:9b2c7e4f1a8d3c6b0e5f2a9d7c4b1e8f3a6d0c9b2e5f8a1d4c7b0e3f6a9d2c5b',
  ],
  'kubernetes': [
    'payments-api-7d9f8b6c5-x2x9k   1/1     Running   0          3d',
    'secret/db-credentials   Opaque   2      41d',
    'secretName: payments-db',
    '<secretName>db-credentials</secretName>',
    'kubectl logs -p payments-api-7d9f8b6c5-x2x9k -c app',
    'ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFM',
    'message: dGhpcyBpcyBqdXN0IGEgbG9nIGxpbmUsIG5vdGhpbmcgc2VjcmV0',
  ],
  'promql': [
    'sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) by (instance) > 0.05',
    'histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{verb!="WATCH"}[5m])))',
    'up{job="node"} == 0 and on(instance) node_boot_time_seconds > 0',
  ],
  'placeholders': [
    'password: <redacted>',
    'password: "********"',
    'PASSWORD=${DB_PASSWORD}',
    'password: |',
    '<password>${DB_PASSWORD}</password>',
    '<input type="password" name="password" value="">',
    '<label for="password">Password</label>',
    '<passwordPolicy>strict</passwordPolicy>',
    'db.internal:5432:orders:app:*',
  ],
  'commands': [
    'mkdir -p /var/lib/app/data',
    'ssh -p 2222 deploy@bastion.internal',
    'docker run -d -p 8080:80 nginx:1.27',
    'mysql -h db.internal -P 3306 -u app -p orders',
    'psql --no-password -h db.internal orders',
    'echo "$TOKEN" | docker login --password-stdin registry.example.com -u ci',
    'helm upgrade --install app ./chart --set image.tag=1.4.2',
    'kubectl create secret generic db --from-literal=username=app --dry-run=client',
  ],
  'colons and urls': [
    'started at 12:30:45:123 took 4s',
    'fe80:0:0:0:200:f8ff:fe21:67cf',
    'aa:bb:cc:dd:ee:ff',
    'GET http://host:8080/find?mail=a@b.com',
    'https://user@host/path',
    'https://docs.example.com/search?q=sig&signature_version=4',
    'https://s3.amazonaws.com/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256',
    'postgres://app@db.internal:5432/orders',
  ],
  'yaml blocks': [
    'description: |\n  Rotates the password weekly.\n  See the runbook.\nnext: 1',
    'script: |\n  export TOKEN_FILE=/run/secrets/token\n  ./deploy.sh',
  ],
};

describe('redactText keeps ordinary output', () => {
  for (const [group, lines] of Object.entries(KEPT)) {
    describe(group, () => {
      for (const line of lines) it(line.split('\n')[0]!, () => expect(redactText(line)).toBe(line));
    });
  }
});
