#!/usr/bin/env bash
# Installs what the monitoring tests run against: Debian's prometheus, prometheus-alertmanager and
# prometheus-node-exporter (only the binaries are used; the tests start them themselves on loopback with
# temporary data folders: test/integration/intake.monitoring.test.ts, builtin.prometheus.test.ts and the
# end-to-end built-in diagnostics). Idempotent: does nothing when all three are present.
set -euo pipefail

need_apt=()
[ -x /usr/bin/prometheus ] || need_apt+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need_apt+=(prometheus-alertmanager)
[ -x /usr/bin/prometheus-node-exporter ] || need_apt+=(prometheus-node-exporter)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-monitoring: installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi
echo "setup-monitoring: $(/usr/bin/prometheus --version 2>&1 | head -n1 | cut -d' ' -f1-3), $(/usr/bin/prometheus-alertmanager --version 2>&1 | head -n1 | cut -d' ' -f1-3), $(/usr/bin/prometheus-node-exporter --version 2>&1 | head -n1 | cut -d' ' -f1-3)" >&2
