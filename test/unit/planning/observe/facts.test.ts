import { describe, expect, it } from 'vitest';
import { clipMiddle, FACT_CHARS, MAX_FACTS, salientFacts, withoutChatter } from '../../../../engine/planning/observe/facts';
import { digest, levelOf, logFacts, looksLikeLog, parseLogLine, parseTime } from '../../../../engine/planning/observe/logs';
import { findTables, tableFacts } from '../../../../engine/planning/observe/tables';
import * as out from './outputs';

const lines = (text: string) => text.split('\n');

describe('facts of kubectl describe', () => {
  it('a CrashLoopBackOff pod killed for memory: its container states, exit code, restarts, conditions and warnings', () => {
    expect(salientFacts(out.DESCRIBE_OOM, 'kubectl -n payments describe pod payment-api-7c9d8b6f5-x2x9q')).toEqual([
      'Status: Running',
      'container api: State Waiting, Reason CrashLoopBackOff, Last State Terminated, Reason OOMKilled, Exit Code 137, Ready False, Restart Count 14',
      'condition Ready=False',
      'condition ContainersReady=False',
      'event Warning BackOff (x196 over 46m): Back-off restarting failed container api in pod payment-api-7c9d8b6f5-x2x9q_payments(5d0c4f1e-8c3a-4e41-9d55-0a3c0f6f9b21)',
    ]);
  });

  it('a deployment whose conditions have a Reason column and no Message', () => {
    expect(salientFacts(out.DESCRIBE_DEPLOY)).toEqual([
      'Replicas: 3 desired | 1 updated | 4 total | 1 available | 3 unavailable',
      'condition Available=False (MinimumReplicasUnavailable)',
      'condition Progressing=False (ProgressDeadlineExceeded)',
    ]);
  });

  it('a node: taints, and the conditions that are not as they should be with their reason and message', () => {
    expect(salientFacts(out.DESCRIBE_NODE)).toEqual(['Taints: node.kubernetes.io/unreachable:NoExecute', 'condition Ready=Unknown (NodeStatusUnknown): Kubelet stopped posting node status.']);
  });

  it('an image that cannot be pulled names the image', () => {
    const pull = out.DESCRIBE_OOM.replace('    State:          Waiting\n      Reason:       CrashLoopBackOff\n', '    State:          Waiting\n      Reason:       ImagePullBackOff\n')
      .replace(/    Last State:[^]*?Finished:[^\n]*\n/, '')
      .replace('Restart Count:  14', 'Restart Count:  0');
    expect(salientFacts(pull)[1]).toBe('container api: State Waiting, Reason ImagePullBackOff, Ready False, Image registry.example.com/payments/payment-api:2.14.0');
  });
});

describe('facts of tables', () => {
  it('a short kubectl get table row by row, without the columns that only locate (IP, AGE, NOMINATED NODE)', () => {
    expect(salientFacts(out.GET_POD_ONE)).toEqual(['payment-api-7c9d8b6f5-x2x9q: READY=0/1, STATUS=CrashLoopBackOff, RESTARTS=14 (2m31s ago), NODE=ip-10-0-3-41.eu-west-1.compute.internal']);
  });

  it('a long one column by column, naming the rows of a minority value', () => {
    expect(salientFacts(out.GET_PODS)).toEqual([
      'READY: 1/1 ×4, 0/1 ×1 (checkout-web-6b7f9d5c4-qz8lp)',
      'STATUS: Running ×4, CrashLoopBackOff ×1 (checkout-web-6b7f9d5c4-qz8lp)',
      'RESTARTS: 0 ×4, 9 (2m12s ago) ×1 (checkout-web-6b7f9d5c4-qz8lp)',
    ]);
  });

  it('reads column-aligned tables into named cells, a header with a space in a name included', () => {
    const [t] = findTables(lines(out.GET_POD_ONE));
    expect(t!.columns).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(t!.rows[0]).toMatchObject({ NAME: 'payment-api-7c9d8b6f5-x2x9q', RESTARTS: '14 (2m31s ago)', 'NOMINATED NODE': '<none>' });
    expect(tableFacts(findTables(lines(out.GET_PODS))[0]!, 10)[1]).toBe('checkout-web-6b7f9d5c4-qz8lp: READY=0/1, STATUS=CrashLoopBackOff, RESTARTS=9 (2m12s ago)');
  });

  it('etcdctl -w table (bordered): each endpoint with its cells, ids and raft indexes left out', () => {
    expect(salientFacts(out.ETCD_STATUS, 'etcdctl endpoint status -w table')).toEqual([
      'https://10.0.0.10:2379: VERSION=3.5.14, DB SIZE=7.1 GB, IS LEADER=true, IS LEARNER=false',
      'https://10.0.0.11:2379: VERSION=3.5.14, DB SIZE=7.1 GB, IS LEADER=false, IS LEARNER=false',
      'https://10.0.0.12:2379: VERSION=3.5.14, DB SIZE=7.0 GB, IS LEADER=false, IS LEARNER=false',
    ]);
    const [t] = findTables(lines(out.ETCD_STATUS));
    expect(t!.columns).toContain('RAFT APPLIED INDEX');
    expect(t!.rows).toHaveLength(3);
  });

  it('an unhealthy endpoint with its error, and the line after the table that says what failed', () => {
    expect(salientFacts(out.ETCD_HEALTH)).toEqual([
      'https://10.0.0.10:2379: HEALTH=true, TOOK=10.931402ms',
      'https://10.0.0.12:2379: HEALTH=false, TOOK=5.001243s, ERROR=context deadline exceeded',
      'Error: unhealthy cluster',
    ]);
  });
});

describe('facts of host tools', () => {
  it('df -h: the fullest filesystems first', () => {
    expect(salientFacts(out.DF_H, 'df -h')).toEqual([
      '/var/lib/postgresql (/dev/nvme1n1): Use% 95%, Size 200G, Used 189G, Avail 11G',
      '/ (/dev/nvme0n1p1): Use% 41%, Size 50G, Used 21G, Avail 30G',
      '/boot/efi (/dev/nvme0n1p15): Use% 6%, Size 105M, Used 6.1M, Avail 99M',
      '/dev/shm (tmpfs): Use% 0%, Size 7.8G, Used 0, Avail 7.8G',
    ]);
  });

  it('df -hi under oc debug: the debug pod chatter is not a fact', () => {
    expect(withoutChatter(out.OC_DEBUG_DF).join('\n')).not.toMatch(/Starting pod|chroot|Removing debug pod/);
    expect(salientFacts(out.OC_DEBUG_DF, 'oc debug node/worker-4 -- df -hi /host/var')).toEqual(['/var (/dev/sda4): IUse% 97%, Inodes 31M, IUsed 30M, IFree 1.2M']);
  });

  it('free -h and du', () => {
    expect(salientFacts(out.FREE_H, 'free -h')).toEqual(['Mem total 15Gi, used 14Gi, free 212Mi, shared 1.1Gi, buff/cache 1.2Gi, available 301Mi', 'Swap total 0B, used 0B, free 0B']);
    expect(salientFacts(out.DU, 'du -sh /var/*')).toEqual(['largest: /var/lib/containerd 18G, /var/log/journal/3f2a 1.2G, /var/cache 312M, /var/log/journal/README 4.0K']);
    // The same lines from something that is not du are not sizes.
    expect(salientFacts(out.DU, 'cat sizes.txt')).toEqual([]);
  });
});

describe('facts of logs', () => {
  it('journalctl: the fatal line first, then the errors in the order logged, then the rest', () => {
    expect(salientFacts(out.JOURNAL, 'journalctl -u chronyd --output=short-iso')).toEqual([
      'chronyd: Fatal error : Could not open /etc/chrony.conf : No such file or directory',
      'systemd: chronyd.service: Main process exited, code=exited, status=1/FAILURE',
      "systemd: chronyd.service: Failed with result 'exit-code'.",
      'systemd: Failed to start NTP client/server.',
      'systemd: Starting NTP client/server...',
    ]);
  });

  it('syslog with the kernel OOM killer', () => {
    expect(salientFacts(out.SYSLOG)[0]).toBe('kernel: [812345.123456] Memory cgroup out of memory: Killed process 48211 (postgres) total-vm:8123456kB, anon-rss:4012345kB');
  });

  it('logfmt: the printed level, msg and err; repeats counted; the noise fields (ts, caller, component) left out', () => {
    expect(salientFacts(out.LOGFMT)).toEqual([
      'ERROR Loading configuration file failed err="undefined receiver "pagerduty-critical" used in route" (×2)',
      'WARN Notify attempt failed, will retry later err="context deadline exceeded" receiver=team-shop integration=webhook[0] attempts=1',
      'INFO Loading configuration file (×2)',
    ]);
  });

  it('JSON lines (etcd, zap): errors before warnings, and `max` bounds them', () => {
    expect(salientFacts(out.JSON_LOGS)).toEqual([
      'ERROR failed to purge snap db file err="open /var/lib/etcd/member/snap/000000000000002a-0000000000b71b00.snap.db: no such file or directory"',
      'WARN apply request took too long err="context canceled" expected-duration=100ms prefix=read-only range (×2)',
      'INFO published local member to cluster through raft local-member-id=8e9e05c52164694d',
    ]);
    expect(logFacts(lines(out.JSON_LOGS), { max: 1 })).toEqual([
      'ERROR failed to purge snap db file err="open /var/lib/etcd/member/snap/000000000000002a-0000000000b71b00.snap.db: no such file or directory"',
    ]);
  });

  it('kubectl logs --prefix --timestamps: a panic, without its stack frames or the blank line after it', () => {
    expect(salientFacts(out.PANIC_PREFIXED)).toEqual(['FATAL panic: runtime error: invalid memory address or nil pointer dereference', 'INFO query-frontend 7.2.0 starting addr=:8080']);
    expect(digest(lines(out.PANIC_PREFIXED)).map((e) => e.container)).toEqual(['frontend', 'frontend']);
  });

  it('reads a line: levels as printers spell them, timestamps, pods and containers, uniq -c counts', () => {
    expect(['ERR', 'Warning', 'crit', 'E', 'notice', 'nonsense'].map(levelOf)).toEqual(['error', 'warn', 'fatal', 'error', 'info', null]);
    expect(parseTime('Nov 24 03:01:12', 2026)).toBe(Date.UTC(2026, 10, 24, 3, 1, 12));
    expect(parseTime('2026-11-24T01:41:07+0000')).toBe(Date.UTC(2026, 10, 24, 1, 41, 7));
    expect(parseLogLine('E1124 03:03:58.118204       1 reflector.go:12] failed to list *v1.Pod: pods is forbidden', { year: 2026 })).toMatchObject({ level: 'error', explicit: true, message: 'failed to list *v1.Pod: pods is forbidden', at: Date.UTC(2026, 10, 24, 3, 3, 58) });
    expect(parseLogLine('[pod/api-0/api] 2026-11-24T03:00:00Z level=warn msg="slow" took=2s')).toMatchObject({ pod: 'api-0', container: 'api', level: 'warn', message: 'slow' });
    expect(parseLogLine('     12 dial tcp 10.0.0.5:5432: connect: connection refused', { countPrefix: true })).toMatchObject({ count: 12, level: 'error', explicit: false, message: 'dial tcp 10.0.0.5:5432: connect: connection refused' });
    // A level only inferred from the words is not printed back as if the program had said it.
    expect(logFacts(['     12 dial tcp 10.0.0.5:5432: connect: connection refused', '      3 dial tcp 10.0.0.6:5432: connect: connection refused'], { countPrefix: true })).toEqual(['dial tcp 10.0.0.5:5432: connect: connection refused (×15)']);
    expect(looksLikeLog(lines(out.DF_H))).toBe(false);
    expect(looksLikeLog(lines(out.LOGFMT))).toBe(true);
  });
});

describe('facts in general', () => {
  it('a long fact keeps its start and its end (a wrapped error ends with its cause)', () => {
    const long = `error: ${'a: '.repeat(200)}root cause here`;
    const clipped = clipMiddle(long);
    expect(clipped.length).toBeLessThanOrEqual(FACT_CHARS);
    expect(clipped.startsWith('error: a: a:')).toBe(true);
    expect(clipped.endsWith('root cause here')).toBe(true);
    expect(clipped).toContain(' … ');
  });

  it('at most MAX_FACTS, no duplicates; "No resources found" said as is; nothing for empty or plain output', () => {
    // Twelve containers waiting: Status and the first seven of them.
    const container = (n: number) => `  c${n}:\n    Image:          busybox\n    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Ready:          False\n`;
    const pod = `Name:         many\nNamespace:    default\nStatus:       Running\nContainers:\n${Array.from({ length: 12 }, (_, i) => container(i)).join('')}Conditions:\n`;
    const facts = salientFacts(pod);
    expect(facts).toHaveLength(MAX_FACTS);
    expect(facts.slice(0, 2)).toEqual(['Status: Running', 'container c0: State Waiting, Reason CrashLoopBackOff, Ready False']);
    // A log says at most six things, most important first, and the last one logged (what the program did last).
    const log = Array.from({ length: 20 }, (_, i) => `2026-11-24T03:00:${String(i).padStart(2, '0')}Z ERROR worker ${'abcdefghijklmnopqrst'[i]} failed`).join('\n');
    expect(salientFacts(log)).toEqual(['a', 'b', 'c', 'd', 'e', 't'].map((w) => `ERROR worker ${w} failed`));
    expect(salientFacts('No resources found in payments namespace.\n')).toEqual(['No resources found in payments namespace.']);
    expect(salientFacts('')).toEqual([]);
    expect(salientFacts('new_pricing=off\n')).toEqual([]);
    expect(salientFacts('Error from server (NotFound): pods "x" not found\n')).toEqual(['Error from server (NotFound): pods "x" not found']);
  });
});
