#!/usr/bin/env bash
# Installs what test/integration/intake.monitoring.test.ts runs against: Debian's prometheus and
# prometheus-alertmanager (only the binaries are used; the test starts them itself on loopback with temporary
# data folders). Idempotent: does nothing when both are present.
set -euo pipefail

need_apt=()
[ -x /usr/bin/prometheus ] || need_apt+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need_apt+=(prometheus-alertmanager)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-monitoring: installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi
echo "setup-monitoring: $(/usr/bin/prometheus --version 2>&1 | head -n1 | cut -d' ' -f1-3), $(/usr/bin/prometheus-alertmanager --version 2>&1 | head -n1 | cut -d' ' -f1-3)" >&2
