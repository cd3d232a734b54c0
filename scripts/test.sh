#!/usr/bin/env bash
# Runs every test: typecheck, unit + integration (vitest), end to end in a real VS Code (code-server +
# chromium, including mocha inside the extension host). Installs what it needs first. The last line is
# "tests: N passed, N failed" with the counts of all suites together.
set -uo pipefail
source "$(dirname "$0")/lib/node.sh"
set -e
ensure_node
ensure_deps
bash "$ROOT/scripts/setup-e2e.sh"
bash "$ROOT/scripts/setup-monitoring.sh"
bash "$ROOT/scripts/setup-sandbox.sh"
set +e
cd "$ROOT"
rm -f .work/vitest.json .work/vitest-e2e.json .work/exthost/results.json

status=0
echo "== typecheck" >&2
npx tsc -p . --noEmit || status=1
echo "== unit and integration tests" >&2
npx vitest run || status=1
echo "== end-to-end tests (code-server + chromium)" >&2
npx vitest run -c vitest.e2e.config.mts || status=1

node scripts/test-summary.mjs .work/vitest.json .work/vitest-e2e.json .work/exthost/results.json || status=1
exit $status
