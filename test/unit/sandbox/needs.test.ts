import { describe, expect, it } from 'vitest';
import { commandNeeds, programsOf } from '../../../engine/execution/sandbox';

describe('sandbox needs: the programs a command runs, through the shell parser', () => {
  it.each([
    ['du -sh logs/ && ls -lS logs/ | head -n 10', ['du', 'ls', 'head']],
    ['curl -s http://x/ | jq .status', ['curl', 'jq']],
    ['echo "$(kubectl get pods -o name)" | wc -l', ['echo', 'kubectl', 'wc']],
    ['echo `dig +short example.com`', ['echo', 'dig']],
    ['(cd /srv && ls) ; for h in a b; do ping -c1 $h; done', ['cd', 'ls', 'ping']],
    ['sudo -u postgres psql -c "select 1"', ['sudo', 'psql']],
    ['sudo -- systemctl status nginx', ['sudo', 'systemctl']],
    ['env X=1 KUBECONFIG=/k kubectl get ns', ['env', 'kubectl']],
    ['timeout 5 curl -s http://x/', ['timeout', 'curl']],
    ['timeout -s KILL 5s redis-cli ping', ['timeout', 'redis-cli']],
    ['nice -n 10 ionice -c 3 docker ps', ['nice', 'ionice', 'docker']],
    ['watch -n 5 "kubectl get pods | grep -v Running"', ['watch', 'kubectl', 'grep']],
    ['cat hosts | xargs -n1 -P4 ping -c1', ['cat', 'xargs', 'ping']],
    ['find /etc -name "*.conf" -exec openssl x509 -noout -in {} \\;', ['find', 'openssl']],
    ['/usr/bin/curl -s http://x/', ['curl']],
    ['diff <(ss -tln) expected.txt', ['diff', 'ss']],
  ])('%s', (command, programs) => {
    expect(programsOf(command)).toEqual(programs);
  });

  it('grants nothing for what it cannot tell: computed names, programs by other paths, text that does not parse', () => {
    expect(programsOf('$CURL http://x/')).toEqual([]);
    expect(programsOf('./curl http://x/; /opt/tools/kubectl get pods')).toEqual([]);
    expect(commandNeeds('./curl http://x/')).toMatchObject({ network: false, run: [], caps: [] });
    expect(commandNeeds('curl "unterminated')).toMatchObject({ network: false, programs: [] });
    expect(commandNeeds('sudo $CMD')).toMatchObject({ network: false, programs: ['sudo'] });
  });

  it('the network only for programs that need it', () => {
    expect(commandNeeds('du -sh logs/ | sort -h').network).toBe(false);
    expect(commandNeeds('grep -c ERROR app.log').network).toBe(false);
    for (const cmd of ['curl -s http://x/', 'kubectl get pods', 'echo $(dig +short x)', 'sudo -u pg psql -c "select 1"', 'timeout 5 etcdctl endpoint health', 'ss -tlnp', 'ip addr']) {
      expect(commandNeeds(cmd).network, cmd).toBe(true);
    }
  });

  it('daemon sockets only for their clients', () => {
    expect(commandNeeds('kubectl get pods').run).toEqual(['/run/secrets/kubernetes.io/serviceaccount']);
    expect(commandNeeds('docker ps').run).toEqual(['/run/docker.sock', '/run/user/{uid}/docker.sock']);
    expect(commandNeeds('sudo systemctl status nginx').run).toEqual(['/run/systemd/system', '/run/systemd/private', '/run/dbus/system_bus_socket', '/run/log/journal']);
    expect(commandNeeds('journalctl -u nginx --since -1h').run).toEqual(['/run/systemd/system', '/run/log/journal']);
    expect(commandNeeds('crictl ps').run).toContain('/run/containerd/containerd.sock');
    expect(commandNeeds('curl -s http://x/ | grep ok').run).toEqual([]);
    expect(commandNeeds('ls /run').run).toEqual([]);
  });

  it('the host /proc for process tools, capabilities for raw sockets and firewall tables', () => {
    expect(commandNeeds('ps aux | grep nginx')).toMatchObject({ hostProc: true, network: false, caps: [] });
    expect(commandNeeds('lsof -i :80')).toMatchObject({ hostProc: true, network: true, caps: ['CAP_SYS_PTRACE'] });
    expect(commandNeeds('ping -c1 10.0.0.1').caps).toEqual(['CAP_NET_RAW']);
    expect(commandNeeds('iptables -L -n').caps).toEqual(['CAP_NET_ADMIN', 'CAP_NET_RAW']);
    expect(commandNeeds('ls -l').hostProc).toBe(false);
  });

  it('a pipeline gets the union of its programs\' needs', () => {
    const n = commandNeeds('docker ps --format "{{.Names}}" | xargs -n1 curl -s');
    expect(n.network).toBe(true);
    expect(n.run).toContain('/run/docker.sock');
    expect(n.programs).toEqual(['docker', 'xargs', 'curl']);
  });
});
