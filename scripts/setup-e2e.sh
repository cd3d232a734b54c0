#!/usr/bin/env bash
# Installs what the end-to-end tests need and the project cannot ship: Debian's chromium (driven by
# playwright-core), libkrb5-dev (code-server's native build needs it), and code-server itself, pinned,
# into .tools/code-server using Node >= 22. Idempotent: does nothing when all are present.
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
ensure_node

CODE_SERVER_VERSION=4.139.1
need_apt=()
# --no-browser: the demo needs only code-server; the tests also drive chromium.
[ "${1:-}" = "--no-browser" ] || [ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup-e2e: installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

dir="$ROOT/.tools/code-server"
bin="$dir/node_modules/.bin/code-server"
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null | cut -d' ' -f1)" != "$CODE_SERVER_VERSION" ]; then
  echo "setup-e2e: installing code-server $CODE_SERVER_VERSION into .tools/code-server (compiles native modules, 2-3 min)" >&2
  rm -rf "$dir"
  # code-server's postinstall builds VS Code's native modules; npm 11 runs dependency scripts only when allowed.
  npm_config_dangerously_allow_all_scripts=true npm install --silent --no-save --no-package-lock --no-audit --no-fund \
    --prefix "$dir" "code-server@$CODE_SERVER_VERSION" >&2
fi
echo "setup-e2e: code-server $("$bin" --version | cut -d' ' -f1), chromium $(/usr/bin/chromium --version 2>/dev/null | cut -d' ' -f2 || echo 'not installed')" >&2
