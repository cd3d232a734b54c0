#!/usr/bin/env bash
# The main job on embedded defaults: builds the extension, packages the .vsix, installs it into a local
# code-server together with a copy of the demo workspace, and serves it on 127.0.0.1. Open the printed
# URL, then run "Runbook Agent: Triage Alert..." from the command palette. Ctrl+C stops everything.
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
ensure_node
ensure_deps
bash "$ROOT/scripts/setup-e2e.sh" --no-browser
bash "$ROOT/scripts/setup-sandbox.sh"   # the diagnostics run confined (engine/execution/sandbox)
cd "$ROOT"
node scripts/package.mjs >&2

PORT="${PORT:-8080}"
work="$ROOT/.work/demo"
mkdir -p "$work/user-data/User" "$work/extensions" "$work/xdg" "$work/tmp"
if [ ! -d "$work/workspace" ]; then
  cp -r examples/demo-workspace "$work/workspace"
  sh "$work/workspace/bin/simulate.sh" fill-logs >&2   # something for the log-volume runbook to fix
fi
[ -f "$work/user-data/User/settings.json" ] || cat > "$work/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "git.openRepositoryInParentFolders": "never",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON
export XDG_CONFIG_HOME="$work/xdg" XDG_DATA_HOME="$work/xdg" TMPDIR="$work/tmp"
cs="$ROOT/.tools/code-server/node_modules/.bin/code-server"
dirs=(--user-data-dir "$work/user-data" --extensions-dir "$work/extensions")
"$cs" "${dirs[@]}" --force --install-extension "dist/runbook-agent-$(node -p 'process.platform + "-" + process.arch').vsix" >&2

url="http://127.0.0.1:$PORT/?folder=$work/workspace"
echo
echo "Runbook Agent is installed in a local VS Code. Open:"
echo "  $url"
echo "VS Code asks whether you trust the authors of the folder: choose 'Yes, I trust the authors' (the demo only"
echo "acts inside its own folder). In Restricted Mode nothing runs; 'Workspaces: Manage Workspace Trust' changes it."
echo "Then run 'Runbook Agent: Triage Alert...' from the command palette (Ctrl+Shift+P) and pick"
echo "alerts/log-volume-filling-up.json: the panel shows the plan, runs the diagnostics and asks you about the writes."
echo "Ctrl+C stops the server."
echo
exec "$cs" "${dirs[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check
