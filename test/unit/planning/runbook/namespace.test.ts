// `oc describe pod <pod>` as runbooks write it looks in the engine's current namespace, not the alert's
// (found with OpenShift's KubeDeploymentReplicasMismatch: "pods … not found"). The alert's namespace goes in.
import { describe, expect, it } from 'vitest';
import { normalizeAlerts } from '../../../../engine/control/alert';
import { withAlertNamespace } from '../../../../engine/planning/runbook/namespace';

const alert = (labels: Record<string, string>) => normalizeAlerts({ alertname: 'X', labels })[0]!;
const ns = (command: string, labels: Record<string, string> = { namespace: 'shop' }) => withAlertNamespace(command, alert(labels)).text;

describe("a kubectl command without a namespace gets the alert's", () => {
  it('for namespaced objects and pod verbs, after the command words and before `--`', () => {
    expect(ns('oc describe pod web-1')).toBe('oc describe pod web-1 -n shop');
    expect(ns('kubectl get deploy,rs -o wide')).toBe('kubectl get deploy,rs -o wide -n shop');
    expect(ns('kubectl rollout status deployment/web')).toBe('kubectl rollout status deployment/web -n shop');
    expect(ns('oc top pod web-1 | sort')).toBe('oc top pod web-1 -n shop | sort');
    expect(ns('kubectl logs web-1 -c api --tail=50')).toBe('kubectl logs web-1 -c api --tail=50 -n shop');
    expect(ns('kubectl exec web-1 -- cat /etc/hosts')).toBe('kubectl exec web-1 -n shop -- cat /etc/hosts');
    expect(ns('kubectl --context prod get pods')).toBe('kubectl --context prod get pods -n shop');
    // kube-state-metrics' own namespace label is taken when the object's is exported.
    expect(ns('oc get pvc data-0', { exported_namespace: 'db' })).toBe('oc get pvc data-0 -n db');
    expect(withAlertNamespace('oc get pods', alert({ namespace: 'shop' })).namespace).toBe('shop');
  });

  it('not when the command names one, addresses the cluster, or the value is not a plain namespace name', () => {
    for (const command of [
      'kubectl -n other get pods',
      'kubectl get pods --namespace=other',
      'kubectl get pods -nother',
      'kubectl get pods -A',
      'kubectl get nodes',
      'oc describe node worker-1',
      'kubectl get pv',
      'kubectl top node',
      // Events of a node (or any cluster-scoped object) are in `default`.
      "oc get events --field-selector 'involvedObject.kind=Node'",
      'kubectl get pods $FLAGS',
      'echo kubectl get pods',
    ]) {
      expect(withAlertNamespace(command, alert({ namespace: 'shop' })), command).toEqual({ text: command, namespace: null });
    }
    expect(ns('oc describe pod web-1', {})).toBe('oc describe pod web-1');
    expect(ns('oc describe pod web-1', { namespace: 'shop; rm -rf /' })).toBe('oc describe pod web-1');
    expect(ns('oc describe pod web-1', { namespace: '$(id)' })).toBe('oc describe pod web-1');
  });

  it('counts UTF-8 bytes as the parser does: text before the command may be any script', () => {
    expect(ns('echo "größe" && oc get pod web-1')).toBe('echo "größe" && oc get pod web-1 -n shop');
  });
});
