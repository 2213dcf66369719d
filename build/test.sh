#!/usr/bin/env bash
# Runs every test: installs the local S3 test server's npm packages (its own Node 22 included), builds once, runs the
# engine unit tests (seconds) and, if they pass, the integration tests (they start S3 servers on 127.0.0.1 and run
# real `dotnet publish` builds), which print one line per finished test as they go.
# Arguments go to both `dotnet test` runs, e.g. --filter "FullyQualifiedName~WebAppPublishTests".
# Ends with the line "N passed, N failed, N skipped", counted from the trx files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# npm ci deletes and reinstalls node_modules (10 s or more); npm writes node_modules/.package-lock.json on every
# install, so one newer than package.json and package-lock.json means the install is current.
installed=tests/s3-server/node_modules/.package-lock.json
if [ -f "$installed" ] && [ "$installed" -nt tests/s3-server/package-lock.json ] && [ "$installed" -nt tests/s3-server/package.json ]; then
  echo "==> npm packages of tests/s3-server: up to date"
else
  echo "==> npm ci (tests/s3-server)"
  (cd tests/s3-server && npm ci --no-audit --no-fund --loglevel=error)
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
echo "==> dotnet build"
dotnet build StaticOffload.Build.sln -c Release -p:UseSharedCompilation=false -nodeReuse:false || status=$?

if [ "$status" -eq 0 ]; then
  echo "==> unit tests (tests/StaticOffload.Engine.Tests)"
  dotnet test tests/StaticOffload.Engine.Tests -c Release --no-build \
    --logger "trx;LogFileName=engine.trx" --results-directory "$results" "$@" || status=$?
fi

if [ "$status" -eq 0 ]; then
  echo "==> integration tests (tests/StaticOffload.Integration.Tests): one line per finished test"
  dotnet test tests/StaticOffload.Integration.Tests -c Release --no-build \
    --logger "trx;LogFileName=integration.trx" --logger "console;verbosity=normal" --results-directory "$results" \
    "$@" || status=$?
else
  echo "==> integration tests skipped: the build or the unit tests failed"
fi

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
