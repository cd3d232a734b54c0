#!/usr/bin/env bash
# Installs Debian's PostgreSQL server binaries (package `postgresql`), which the control-store tests run as a
# throwaway server of their own (test/support/postgres.ts: initdb into a temp folder, a free loopback port, an
# unprivileged user). Nothing is started here and the package's own cluster is not used. Idempotent: does
# nothing when /usr/lib/postgresql/*/bin/initdb is there. Linux (Debian/Ubuntu) only.
set -euo pipefail

[ "$(uname -s)" = Linux ] || { echo "setup-postgres: not Linux; the Postgres store tests will be skipped" >&2; exit 0; }
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  command -v apt-get >/dev/null || { echo "setup-postgres: no apt-get (not Debian/Ubuntu); install PostgreSQL server binaries under /usr/lib/postgresql/N/bin" >&2; exit 1; }
  echo "setup-postgres: installing Debian package: postgresql" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "setup-postgres: not root and no sudo: cannot install postgresql" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq >&2
  # policy-rc.d 101: the package's own cluster is created but not started (the tests start their own server).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
echo "setup-postgres: $("$bin/postgres" --version)" >&2
