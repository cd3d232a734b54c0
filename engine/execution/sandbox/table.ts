// What a program needs beyond the sandbox's default (no network, a private /run, its own /proc, no
// capabilities). Data only: needs.ts finds the programs in a command, argv.ts turns their needs into flags.
// A program not listed here gets nothing, so a read that needs more fails instead of acting.

export interface ProgramNeeds {
  /** The host's network namespace: to reach a server, or to see the host's interfaces, routes and sockets. */
  readonly network?: boolean;
  /**
   * Paths under /run put back over the private /run (read-only binds; a socket in it can still be
   * connected to): daemon sockets and the files beside them a client looks for. `{uid}` is the engine's uid.
   * A program granted a daemon's socket relies on the classifier for what it asks that daemon to do.
   */
  readonly run?: readonly string[];
  /** The host's processes: /proc is the host's (read-only) instead of the sandbox's own, which holds only the step. */
  readonly hostProc?: boolean;
  /** Capabilities kept when the engine runs as root, beyond CAP_DAC_READ_SEARCH (see argv.ts). */
  readonly caps?: readonly string[];
}

const NET: ProgramNeeds = { network: true };
/** Raw sockets (ICMP, ARP): root without capabilities cannot open them. */
const NET_RAW: ProgramNeeds = { network: true, caps: ['CAP_NET_RAW'] };
/** The host's network state (interfaces, routes, sockets): seen only from the host's network namespace. */
const HOST_NET: ProgramNeeds = { network: true };
/** Firewall tables: reading them takes CAP_NET_ADMIN, which also allows changing them (the classifier decides which). */
const FIREWALL: ProgramNeeds = { network: true, caps: ['CAP_NET_ADMIN', 'CAP_NET_RAW'] };
/** Processes and the files and sockets they hold. CAP_SYS_PTRACE reads /proc/PID/fd of root's processes. */
const PROCS: ProgramNeeds = { hostProc: true };
const PROC_FILES: ProgramNeeds = { hostProc: true, caps: ['CAP_SYS_PTRACE'] };

const KUBE_SA = '/run/secrets/kubernetes.io/serviceaccount';
/** Kubernetes clients: the API server, and the in-cluster service account token when the engine runs in a pod. */
const KUBE: ProgramNeeds = { network: true, run: [KUBE_SA] };

const SYSTEMD_MARKER = '/run/systemd/system'; // sd_booted(): without it systemctl says systemd is not running
const SYSTEMD_PRIVATE = '/run/systemd/private';
const SYSTEM_BUS = '/run/dbus/system_bus_socket';
const JOURNAL = '/run/log/journal'; // the volatile journal (the persistent one is /var/log/journal)
const DOCKER = ['/run/docker.sock', '/run/user/{uid}/docker.sock'];
const PODMAN = ['/run/podman/podman.sock', '/run/user/{uid}/podman/podman.sock'];
const CONTAINERD = ['/run/containerd/containerd.sock', '/run/k3s/containerd/containerd.sock'];
const CRI = [...CONTAINERD, '/run/crio/crio.sock', '/run/cri-dockerd.sock'];

export const PROGRAM_NEEDS: Readonly<Record<string, ProgramNeeds>> = {
  // HTTP and generic clients
  curl: NET, wget: NET, http: NET, https: NET, xh: NET, grpcurl: NET, websocat: NET, openssl: NET,
  nc: NET, ncat: NET, netcat: NET, socat: NET, telnet: NET, ssh: NET, nmap: NET_RAW,
  // name resolution and reachability
  dig: NET, nslookup: NET, host: NET, drill: NET, delv: NET, whois: NET,
  ping: NET_RAW, ping6: NET_RAW, arping: NET_RAW, traceroute: NET_RAW, traceroute6: NET_RAW, tracepath: NET, mtr: NET_RAW,
  // the host's network state
  ss: { ...HOST_NET, ...PROC_FILES }, netstat: { ...HOST_NET, ...PROC_FILES }, ip: HOST_NET, ifconfig: HOST_NET, route: HOST_NET,
  arp: HOST_NET, ethtool: HOST_NET, tc: HOST_NET, bridge: HOST_NET, nstat: HOST_NET, iw: HOST_NET,
  iptables: FIREWALL, ip6tables: FIREWALL, 'iptables-save': FIREWALL, 'ip6tables-save': FIREWALL, nft: FIREWALL,
  ebtables: FIREWALL, conntrack: FIREWALL, ipvsadm: FIREWALL,
  // Kubernetes and friends
  kubectl: KUBE, oc: KUBE, helm: KUBE, kustomize: NET, stern: KUBE, flux: KUBE, argocd: NET, istioctl: KUBE,
  linkerd: KUBE, velero: KUBE, cilium: KUBE, calicoctl: KUBE, k9s: KUBE,
  // monitoring
  promtool: NET, amtool: NET, logcli: NET, mimirtool: NET, 'cortex-tool': NET,
  // storage and databases
  etcdctl: NET, ceph: NET, rbd: NET, rados: NET, 'radosgw-admin': NET,
  psql: NET, pg_isready: NET, mysql: NET, mysqladmin: NET, mariadb: NET, mongo: NET, mongosh: NET,
  'redis-cli': NET, cqlsh: NET, nodetool: NET, 'clickhouse-client': NET, influx: NET, cockroach: NET,
  kcat: NET, kafkacat: NET, 'kafka-topics': NET, 'kafka-consumer-groups': NET, rabbitmqctl: NET, rabbitmqadmin: NET,
  ldapsearch: NET, snmpget: NET, snmpwalk: NET, ntpq: NET, chronyc: NET,
  // clouds and HashiCorp
  aws: NET, gcloud: NET, gsutil: NET, bq: NET, az: NET, doctl: NET, openstack: NET, ibmcloud: NET,
  vault: NET, consul: NET, nomad: NET, terraform: NET, gh: NET, glab: NET,
  // container engines: their daemon's socket only
  docker: { run: DOCKER }, 'docker-compose': { run: DOCKER },
  podman: { run: PODMAN }, nerdctl: { run: CONTAINERD }, ctr: { run: CONTAINERD }, crictl: { run: CRI },
  // systemd: the manager's private socket, the system bus, and the journal
  systemctl: { run: [SYSTEMD_MARKER, SYSTEMD_PRIVATE, SYSTEM_BUS, JOURNAL] },
  journalctl: { run: [SYSTEMD_MARKER, JOURNAL] },
  loginctl: { run: [SYSTEMD_MARKER, SYSTEM_BUS] }, busctl: { run: [SYSTEMD_MARKER, SYSTEM_BUS] },
  timedatectl: { run: [SYSTEMD_MARKER, SYSTEM_BUS] }, hostnamectl: { run: [SYSTEMD_MARKER, SYSTEM_BUS] },
  localectl: { run: [SYSTEMD_MARKER, SYSTEM_BUS] }, resolvectl: { run: [SYSTEMD_MARKER, SYSTEM_BUS] },
  networkctl: { run: [SYSTEMD_MARKER, SYSTEM_BUS, '/run/systemd/netif'] },
  'systemd-analyze': { run: [SYSTEMD_MARKER, SYSTEMD_PRIVATE, SYSTEM_BUS] },
  // processes
  ps: PROCS, pgrep: PROCS, pidof: PROCS, top: PROCS, htop: PROCS, pstree: PROCS,
  lsof: { ...HOST_NET, ...PROC_FILES }, fuser: PROC_FILES, pmap: PROC_FILES, pwdx: PROC_FILES,
};

/** Commands that run another command given as their arguments: the wrapped command's needs count. */
export const WRAPPERS: Readonly<Record<string, { readonly value?: readonly string[]; readonly skip?: number; readonly assignments?: boolean }>> = {
  sudo: { value: ['-u', '--user', '-g', '--group', '-C', '--close-from', '-D', '--chdir', '-p', '--prompt', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout', '-h', '--host'] },
  doas: { value: ['-u', '-C'] },
  env: { value: ['-u', '--unset', '-C', '--chdir'], assignments: true },
  nice: { value: ['-n', '--adjustment'] },
  ionice: { value: ['-c', '--class', '-n', '--classdata'] },
  timeout: { value: ['-s', '--signal', '-k', '--kill-after'], skip: 1 },
  nohup: {},
  stdbuf: { value: ['-i', '--input', '-o', '--output', '-e', '--error'] },
  time: { value: ['-f', '--format', '-o', '--output'] },
  command: {},
  builtin: {},
  exec: { value: ['-a'] },
  xargs: { value: ['-I', '-i', '-n', '--max-args', '-P', '--max-procs', '-L', '--max-lines', '-d', '--delimiter', '-s', '--max-chars', '-E', '--eof', '-a', '--arg-file'] },
};
