#!/usr/bin/env bash
# Installs bubblewrap (Debian's `bubblewrap`), the sandbox shell reads run in (engine/execution/sandbox): the tests
# exercise it for real, and the demo runs its diagnostics confined. Idempotent: does nothing when bwrap is
# there. Linux only; elsewhere the engine reports that it has no sandbox.
set -euo pipefail

[ "$(uname -s)" = Linux ] || { echo "setup-sandbox: not Linux, no sandbox" >&2; exit 0; }
if ! command -v bwrap >/dev/null 2>&1; then
  echo "setup-sandbox: installing Debian package: bubblewrap" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends bubblewrap >&2
fi
# A confined `true`, as the engine's probe starts it: bwrap installed is not enough where namespaces are off.
if bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-pid --unshare-net --die-with-parent --new-session -- /bin/true 2>/dev/null; then
  echo "setup-sandbox: $(bwrap --version) works" >&2
else
  echo "setup-sandbox: WARNING: $(bwrap --version) is installed but cannot start a sandbox here (user namespaces off?); reads will run unconfined" >&2
fi
