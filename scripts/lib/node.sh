# Sourced by the project's scripts. Puts a Node >= 22 first on PATH: the installed one when it is new
# enough, otherwise Node 24 from the npm package node-<platform>-<arch>, kept in .tools/ (no global install).
# better-sqlite3 13 needs N-API 10, which Node 20 lacks.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE24_VERSION=24.21.0

ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then return 0; fi
  local pkg="node-$(uname -s | tr 'A-Z' 'a-z')-$(node -p process.arch 2>/dev/null || echo x64)"
  local dir="$ROOT/.tools/node24"
  local bin="$dir/node_modules/$pkg/bin"
  if [ ! -x "$bin/node" ]; then
    echo "runbook-agent: Node $(node --version 2>/dev/null || echo none) is older than 22; fetching $pkg@$NODE24_VERSION from npm into .tools/" >&2
    npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" "$pkg@$NODE24_VERSION" >&2
  fi
  export PATH="$bin:$PATH"
  # Native modules (better-sqlite3, code-server's) must compile against this Node's headers, not /usr's.
  export npm_config_nodedir="$dir/node_modules/$pkg"
}

# Installs the project's npm dependencies when package-lock.json changed since the last install.
ensure_deps() {
  local stamp="$ROOT/node_modules/.runbook-agent-lock"
  local want
  want="$(node -p process.version)-$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  (cd "$ROOT" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2)
  echo "$want" > "$stamp"
}
