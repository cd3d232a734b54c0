// Lines typed into `oc debug node/…`'s shell, as OpenShift's runbooks write them (NodeClockNotSynchronising,
// NodeRAIDDegraded, the ODF node runbooks): run as one script they would read the engine's own machine.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../engine/memory/runbook';
import { intoDebugShell } from '../../../engine/memory/runbook/debugShell';

describe("the lines after a node's debug shell run in its pod", () => {
  it('one line goes after `--`; after `chroot /host`, under chroot', () => {
    expect(intoDebugShell(['oc -n default debug node/<affected_node_name>', 'chroot /host', 'systemctl status chronyd']).commands).toEqual([
      'oc -n default debug node/<affected_node_name> -- chroot /host systemctl status chronyd',
    ]);
    // A variable set before the debug line is expanded by the engine's shell, as the author's shell would have.
    expect(intoDebugShell(["NODE_NAME='n1'", 'oc debug "node/$NODE_NAME"', 'df -hi "/host/$MOUNT_POINT"']).commands).toEqual([
      "NODE_NAME='n1'",
      'oc debug "node/$NODE_NAME" -- df -hi "/host/$MOUNT_POINT"',
    ]);
  });

  it("several lines go as one sh -c script, quoted whole", () => {
    expect(intoDebugShell(['oc debug node/<node>', 'top -b -n 1 | head -20', "echo 'it''s'"]).commands).toEqual([
      `oc debug node/<node> -- sh -c 'top -b -n 1 | head -20\necho '\\''it'\\'''\\''s'\\'''`,
    ]);
  });

  it('leaves the block as written, with a reason, when the lines need a variable the pod would not have', () => {
    const d = intoDebugShell(["IFACE='eth0'", 'oc debug node/<node>', 'ip -s link show $IFACE', 'sar -n DEV 1 5']);
    expect(d.commands).toEqual(["IFACE='eth0'", 'oc debug node/<node>', 'ip -s link show $IFACE', 'sar -n DEV 1 5']);
    expect(d.note).toMatch(/use \$IFACE, set outside it: run them there by hand/);
  });

  it('changes nothing else: a debug with its own command, a pod debug, a last-line debug, a bare chroot', () => {
    for (const commands of [
      ['oc debug node/n1 -- chroot /host uptime', 'echo done'],
      ['kubectl debug pod/web-1 -it --image=busybox', 'ls'],
      ['oc get nodes', 'oc debug node/n1'],
      ['oc debug node/n1', 'chroot /host'],
    ]) {
      expect(intoDebugShell(commands)).toEqual({ commands });
    }
  });

  it('in a parsed runbook', () => {
    const r = parseRunbook(['# X', '## Diagnosis', '```shell', 'oc -n default debug node/<affected_node_name>', 'chroot /host', 'systemctl status chronyd', '```'].join('\n'));
    expect(r.steps.map((s) => s.command)).toEqual(['oc -n default debug node/<affected_node_name> -- chroot /host systemctl status chronyd']);
    expect(r.warnings).toEqual([]);
  });
});
