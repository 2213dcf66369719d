#!/usr/bin/env bash
# Runs every test: installs the local S3 test server's npm packages (its own Node 22 included), then the unit and
# integration tests (the latter start the server on 127.0.0.1 and run real `dotnet publish` builds).
# Ends with the line "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "==> npm ci (tests/s3-server)"
(cd tests/s3-server && npm ci --no-audit --no-fund --loglevel=error)

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "==> dotnet test"
status=0
dotnet test StaticOffload.Build.sln -c Release --logger "trx" --results-directory "$results" \
  -p:UseSharedCompilation=false -nodeReuse:false "$@" || status=$?

# The summary counts what the test runs recorded, so a run that executed nothing shows "0 passed".
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1)"
  attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
  skipped=$((skipped + $(attr notExecuted)))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No test was executed." >&2
  status=1
fi
exit $status
