import { describe, expect, it } from 'vitest';
import { endlessReason } from '../../../engine/execution/risk/endless';

describe('commands that do not end on their own', () => {
  it.each([
    ['journalctl -b -f -u kubelet.service', '`journalctl` follows the journal until stopped'],
    ['journalctl -xef', '`journalctl` follows the journal until stopped'],
    ['journalctl -fu kubelet', '`journalctl` follows the journal until stopped'],
    ['sudo journalctl --follow -u crio', '`journalctl` follows the journal until stopped'],
    ['tail -F /var/log/syslog', '`tail` follows the file until stopped'],
    ['tail -n 100 -f logs/app.log | grep ERROR', '`tail` follows the file until stopped'],
    ['kubectl -n shop logs -f deploy/web', '`kubectl` follows the log until stopped'],
    ['oc logs --follow=true pod/x', '`oc` follows the log until stopped'],
    ['kubectl get pods -owide -w', '`kubectl` watches for changes until stopped'],
    ['kubectl --namespace shop get events --watch', '`kubectl` watches for changes until stopped'],
    ['docker logs -f --tail 50 web', '`docker` follows the log until stopped'],
    ['dmesg -w', '`dmesg` follows the kernel log until stopped'],
    ['watch -n 5 kubectl get pods', '`watch` reruns its command until stopped'],
    ['top', '`top` without `-n` redraws until stopped'],
    ['ping 10.0.0.1', '`ping` without `-c` pings until stopped'],
    ['tcpdump -i eth0 port 53', '`tcpdump` without `-c` captures until stopped'],
    ['vmstat 1', '`vmstat 1` samples every 1 s until stopped'],
    ['oc debug node/n1 -- tcpdump -i eth0 tcp and port 9642', '`tcpdump` without `-c` captures until stopped'],
    ['kubectl exec web-0 -- tail -f /var/log/app.log', '`tail` follows the file until stopped'],
    ['oc debug node/n1 -- chroot /host journalctl -fu kubelet', '`journalctl` follows the journal until stopped'],
  ])('%s', (command, reason) => {
    expect(endlessReason(command)).toBe(reason);
  });

  it.each([
    'journalctl -b -u kubelet.service --no-pager -n 200',
    // `-u` takes a value: the `f` after it is the unit's name, not --follow.
    'journalctl -uf',
    'tail -n 100 logs/app.log',
    'kubectl logs --tail=200 deploy/web',
    'oc logs --follow=false pod/x',
    // In `get`, -f names a file.
    'kubectl get -f manifest.yaml',
    // The namespace is not the verb: `-n logs` does not make `describe` a log.
    'kubectl -n logs describe pod -f x.yaml',
    'kubectl describe pod web-1',
    'top -b -n 1',
    'top -bn1',
    'ping -c 3 10.0.0.1',
    'tcpdump -c 100 -i eth0',
    'vmstat 1 5',
    'oc debug node/n1 -- chroot /host journalctl -u kubelet -n 100',
    'vmstat',
    // A deadline bounds it: `timeout` is the program that runs, and it ends.
    'timeout 30 journalctl -f',
    'dmesg -T | tail -n 50',
    'echo "tail -f x"',
    'if then fi (',
  ])('%s ends', (command) => {
    expect(endlessReason(command)).toBeNull();
  });
});
