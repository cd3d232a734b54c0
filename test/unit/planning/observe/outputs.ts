// Outputs as the diagnostics print them (kubectl describe/get, df, free, du, journalctl, syslog, logfmt, JSON logs,
// etcdctl -w table, oc debug), for the tests of facts.ts, logs.ts, tables.ts and the incident summary.
export const DESCRIBE_OOM = `Name:             payment-api-7c9d8b6f5-x2x9q
Namespace:        payments
Priority:         0
Service Account:  payment-api
Node:             ip-10-0-3-41.eu-west-1.compute.internal/10.0.3.41
Start Time:       Mon, 24 Nov 2026 02:19:07 +0000
Labels:           app.kubernetes.io/name=payment-api
                  pod-template-hash=7c9d8b6f5
Annotations:      <none>
Status:           Running
IP:               10.244.3.17
IPs:
  IP:           10.244.3.17
Controlled By:  ReplicaSet/payment-api-7c9d8b6f5
Containers:
  api:
    Container ID:   containerd://4f1e0c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f
    Image:          registry.example.com/payments/payment-api:2.14.0
    Image ID:       registry.example.com/payments/payment-api@sha256:9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Mon, 24 Nov 2026 03:02:41 +0000
      Finished:     Mon, 24 Nov 2026 03:03:12 +0000
    Ready:          False
    Restart Count:  14
    Limits:
      cpu:     1
      memory:  512Mi
    Requests:
      cpu:        250m
      memory:     512Mi
    Liveness:     http-get http://:8080/healthz delay=30s timeout=1s period=10s #success=1 #failure=3
    Environment:
      JAVA_TOOL_OPTIONS:  -XX:MaxRAMPercentage=75
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-8m2lq (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       False 
  ContainersReady             False 
  PodScheduled                True 
Volumes:
  kube-api-access-8m2lq:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
QoS Class:                   Guaranteed
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age                   From     Message
  ----     ------     ----                  ----     -------
  Normal   Pulled     12m (x14 over 46m)    kubelet  Container image "registry.example.com/payments/payment-api:2.14.0" already present on machine
  Normal   Created    12m (x14 over 46m)    kubelet  Created container api
  Normal   Started    12m (x14 over 46m)    kubelet  Started container api
  Warning  BackOff    2m31s (x196 over 46m)  kubelet  Back-off restarting failed container api in pod payment-api-7c9d8b6f5-x2x9q_payments(5d0c4f1e-8c3a-4e41-9d55-0a3c0f6f9b21)
`;

export const DESCRIBE_DEPLOY = `Name:                   query-frontend
Namespace:              search
CreationTimestamp:      Tue, 02 Sep 2026 09:12:44 +0000
Labels:                 app.kubernetes.io/name=query-frontend
Selector:               app.kubernetes.io/name=query-frontend
Replicas:               3 desired | 1 updated | 4 total | 1 available | 3 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      False   MinimumReplicasUnavailable
  Progressing    False   ProgressDeadlineExceeded
OldReplicaSets:  query-frontend-6c9b8d7f5 (3/3 replicas created)
NewReplicaSet:   query-frontend-7f8d6c5b4 (1/1 replicas created)
Events:          <none>
`;

export const DESCRIBE_NODE = `Name:               worker-3.ocp.example.com
Roles:              worker
Labels:             kubernetes.io/hostname=worker-3.ocp.example.com
CreationTimestamp:  Thu, 03 Apr 2025 10:02:11 +0000
Taints:             node.kubernetes.io/unreachable:NoExecute
                    node.kubernetes.io/unreachable:NoSchedule
Unschedulable:      false
Conditions:
  Type             Status    LastHeartbeatTime                 LastTransitionTime                Reason              Message
  ----             ------    -----------------                 ------------------                ------              -------
  MemoryPressure   Unknown   Mon, 24 Nov 2026 02:58:40 +0000   Mon, 24 Nov 2026 03:01:22 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
  DiskPressure     False     Mon, 24 Nov 2026 02:58:40 +0000   Mon, 24 Nov 2026 03:01:22 +0000   KubeletHasNoDiskPressure   kubelet has no disk pressure
  Ready            Unknown   Mon, 24 Nov 2026 02:58:40 +0000   Mon, 24 Nov 2026 03:01:22 +0000   NodeStatusUnknown   Kubelet stopped posting node status.
Addresses:
  InternalIP:  10.0.150.9
Events:        <none>
`;

export const GET_PODS = `NAME                                   READY   STATUS             RESTARTS        AGE
checkout-web-6b7f9d5c4-2kq8p           1/1     Running            0               3d
checkout-web-6b7f9d5c4-qz8lp           0/1     CrashLoopBackOff   9 (2m12s ago)   3d
checkout-web-6b7f9d5c4-x7m2n           1/1     Running            0               3d
checkout-worker-84f6d9c7b5-t9wzk       1/1     Running            0               3d
redis-0                                1/1     Running            0               12d
`;

export const GET_POD_ONE = `NAME                          READY   STATUS             RESTARTS        AGE   IP            NODE                                       NOMINATED NODE   READINESS GATES
payment-api-7c9d8b6f5-x2x9q   0/1     CrashLoopBackOff   14 (2m31s ago)   46m   10.244.3.17   ip-10-0-3-41.eu-west-1.compute.internal   <none>           <none>
`;

export const DF_H = `Filesystem      Size  Used Avail Use% Mounted on
/dev/nvme0n1p1   50G   21G   30G  41% /
tmpfs           7.8G     0  7.8G   0% /dev/shm
/dev/nvme1n1    200G  189G   11G  95% /var/lib/postgresql
/dev/nvme0n1p15  105M  6.1M   99M   6% /boot/efi
`;

export const JOURNAL = `2026-11-24T01:41:06+0000 worker-5 systemd[1]: Starting NTP client/server...
2026-11-24T01:41:07+0000 worker-5 chronyd[1402]: Fatal error : Could not open /etc/chrony.conf : No such file or directory
2026-11-24T01:41:07+0000 worker-5 systemd[1]: chronyd.service: Main process exited, code=exited, status=1/FAILURE
2026-11-24T01:41:07+0000 worker-5 systemd[1]: chronyd.service: Failed with result 'exit-code'.
2026-11-24T01:41:07+0000 worker-5 systemd[1]: Failed to start NTP client/server.
`;

export const SYSLOG = `Nov 24 03:01:12 db-1 kernel: [812345.123456] Memory cgroup out of memory: Killed process 48211 (postgres) total-vm:8123456kB, anon-rss:4012345kB
Nov 24 03:01:12 db-1 systemd[1]: postgresql.service: A process of this unit has been killed by the OOM killer.
Nov 24 03:01:13 db-1 systemd[1]: postgresql.service: Main process exited, code=killed, status=9/KILL
Nov 24 03:01:18 db-1 systemd[1]: postgresql.service: Scheduled restart job, restart counter is at 3.
`;

export const LOGFMT = `ts=2026-11-24T03:04:00.118Z caller=coordinator.go:118 level=info component=configuration msg="Loading configuration file" file=/etc/alertmanager/config_out/alertmanager.env.yaml
ts=2026-11-24T03:04:00.121Z caller=coordinator.go:121 level=error component=configuration msg="Loading configuration file failed" file=/etc/alertmanager/config_out/alertmanager.env.yaml err="undefined receiver \\"pagerduty-critical\\" used in route"
ts=2026-11-24T03:07:00.118Z caller=coordinator.go:118 level=info component=configuration msg="Loading configuration file" file=/etc/alertmanager/config_out/alertmanager.env.yaml
ts=2026-11-24T03:07:00.120Z caller=coordinator.go:121 level=error component=configuration msg="Loading configuration file failed" file=/etc/alertmanager/config_out/alertmanager.env.yaml err="undefined receiver \\"pagerduty-critical\\" used in route"
ts=2026-11-24T03:07:31.402Z caller=notify.go:866 level=warn component=dispatcher receiver=team-shop integration=webhook[0] msg="Notify attempt failed, will retry later" attempts=1 err="context deadline exceeded"
`;

export const JSON_LOGS = `{"level":"info","ts":"2026-11-24T03:04:09.716Z","caller":"etcdserver/server.go:2043","msg":"published local member to cluster through raft","local-member-id":"8e9e05c52164694d"}
{"level":"warn","ts":"2026-11-24T03:04:11.118Z","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"1.402497012s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/kubernetes.io/events/\\" range_end:\\"/kubernetes.io/events0\\" ","response":"","error":"context canceled"}
{"level":"warn","ts":"2026-11-24T03:04:12.501Z","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"2.118403977s","expected-duration":"100ms","prefix":"read-only range ","request":"key:\\"/kubernetes.io/events/\\" range_end:\\"/kubernetes.io/events0\\" ","response":"","error":"context canceled"}
{"level":"error","ts":"2026-11-24T03:04:13.004Z","caller":"etcdserver/server.go:1479","msg":"failed to purge snap db file","error":"open /var/lib/etcd/member/snap/000000000000002a-0000000000b71b00.snap.db: no such file or directory"}
`;

export const ETCD_STATUS = `+--------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
|         ENDPOINT         |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
+--------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
| https://10.0.0.10:2379   | 8e9e05c52164694d |  3.5.14 |  7.1 GB |      true |      false |        12 |   48211904 |           48211904 |        |
| https://10.0.0.11:2379   | 91bc3c398fb3c146 |  3.5.14 |  7.1 GB |     false |      false |        12 |   48211904 |           48211904 |        |
| https://10.0.0.12:2379   | fd422379fda50e48 |  3.5.14 |  7.0 GB |     false |      false |        12 |   48211904 |           48211904 |        |
+--------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
`;

export const ETCD_HEALTH = `+------------------------+--------+-------------+---------------------------+
|        ENDPOINT        | HEALTH |    TOOK     |           ERROR           |
+------------------------+--------+-------------+---------------------------+
| https://10.0.0.10:2379 |   true | 10.931402ms |                           |
| https://10.0.0.12:2379 |  false | 5.001243s   | context deadline exceeded |
+------------------------+--------+-------------+---------------------------+
Error: unhealthy cluster
`;

export const PANIC_PREFIXED = `[pod/query-frontend-7f8d6c5b4-lm3nd/frontend] 2026-11-24T03:04:12.004617Z level=info msg="query-frontend 7.2.0 starting" addr=:8080
[pod/query-frontend-7f8d6c5b4-lm3nd/frontend] 2026-11-24T03:04:12.118930Z panic: runtime error: invalid memory address or nil pointer dereference
[pod/query-frontend-7f8d6c5b4-lm3nd/frontend] 2026-11-24T03:04:12.118940Z 
[pod/query-frontend-7f8d6c5b4-lm3nd/frontend] 2026-11-24T03:04:12.118941Z goroutine 1 [running]:
[pod/query-frontend-7f8d6c5b4-lm3nd/frontend] 2026-11-24T03:04:12.118950Z search/internal/routing.(*Table).Lookup(0x0, {0xc000a1c000, 0x9})
[pod/query-frontend-7f8d6c5b4-lm3nd/frontend] 2026-11-24T03:04:12.118951Z \t/src/internal/routing/table.go:88 +0x20
`;

export const OC_DEBUG_DF = `Starting pod/worker-4ocpexamplecom-debug-7x2kq ...
To use host binaries, run \`chroot /host\`
Filesystem     Inodes IUsed IFree IUse% Mounted on
/dev/sda4         31M   30M  1.2M   97% /var

Removing debug pod ...
`;

export const FREE_H = `               total        used        free      shared  buff/cache   available
Mem:            15Gi        14Gi       212Mi       1.1Gi       1.2Gi       301Mi
Swap:             0B          0B          0B
`;

export const DU = `4.0K\t/var/log/journal/README
1.2G\t/var/log/journal/3f2a
18G\t/var/lib/containerd
312M\t/var/cache
`;
