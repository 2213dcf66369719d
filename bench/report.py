#!/usr/bin/env python3
"""Turns a benchmark run (results.csv, floors.jsonl, meta.env, verify.tsv, corpora.txt in WORK) into RESULTS.md.

  report.py WORK OUT.md
"""
import csv
import json
import os
import statistics
import sys
from collections import defaultdict

work, out_path = sys.argv[1], sys.argv[2]
TOOLS = ["ours", "rclone", "s3cmd", "aws"]
PEERS = ["rclone", "s3cmd", "aws"]
SCENARIOS = [
    ("first", "first upload"),
    ("noop", "no-op"),
    ("fresh", "fresh CI clone"),
    ("change1", "1% changed"),
    ("rule", "Cache-Control rule changed"),
    ("delete1", "1% deleted"),
]
CORPUS_NAMES = {
    "a": "(a) Blazor WASM publish output",
    "b": "(b) generated tree of small files",
    "c": "(c) large files (multipart)",
}

meta = {}
for line in open(os.path.join(work, "meta.env")):
    if "=" in line:
        k, v = line.rstrip("\n").split("=", 1)
        meta[k] = v

rows = list(csv.DictReader(open(os.path.join(work, "results.csv"))))
floors = {}
if os.path.exists(os.path.join(work, "floors.jsonl")):
    for line in open(os.path.join(work, "floors.jsonl")):
        if line.strip():
            r = json.loads(line)
            floors[r["corpus"]] = r
corpora_info = {}
if os.path.exists(os.path.join(work, "corpora.txt")):
    for line in open(os.path.join(work, "corpora.txt")):
        parts = line.split()
        info = dict(p.split("=", 1) for p in parts[1:])
        corpora_info[parts[0]] = info
verify = [l.rstrip("\n").split("\t") for l in open(os.path.join(work, "verify.tsv"))] if os.path.exists(
    os.path.join(work, "verify.tsv")) else []


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


cells = {}
groups = defaultdict(list)
for r in rows:
    groups[(r["corpus"], r["scenario"], r["tool"])].append(r)
for key, rs in groups.items():
    cells[key] = {
        "n": len(rs),
        "wall": med([num(r["wall_s"]) for r in rs]),
        "wall_min": min(num(r["wall_s"]) for r in rs),
        "wall_max": max(num(r["wall_s"]) for r in rs),
        "cpu": med([num(r["cpu_s"]) for r in rs]),
        "rss": med([num(r["rss_kb"]) for r in rs]),
        "req": med([num(r["requests"]) for r in rs]),
        "req_max": max(num(r["requests"]) for r in rs),
        "bytes": med([num(r["bytes"]) for r in rs]),
        "state": med([num(r["state_bytes"]) for r in rs]),
        "file_bytes": med([num(r["bytes"]) - num(r["state_bytes"]) for r in rs]),
        "file_bytes_max": max(num(r["bytes"]) - num(r["state_bytes"]) for r in rs),
        "errors": med([num(r["errors"]) for r in rs]),
        "failed": sum(1 for r in rs if r["exit"] != "0"),
        "in_task": med([num(r["in_task_s"]) for r in rs]),
        "methods": rs[-1]["methods"],
        # every request kind seen in any run, with its largest count: targets are judged on all runs
        "methods_max": {k: max(int(dict(kv.split("=") for kv in r["methods"].split()).get(k, 0)) for r in rs)
                        for k in {kv.split("=")[0] for r in rs for kv in r["methods"].split()}},
        "load": med([num(r["load1"]) for r in rs]),
    }


def fmt_s(v):
    if v is None:
        return "–"
    if v < 0.1:
        return f"{v * 1000:.0f} ms"
    return f"{v:.2f} s" if v < 10 else f"{v:.1f} s"


def fmt_b(v):
    if v is None:
        return "–"
    v = float(v)
    for unit in ["B", "KB", "MB", "GB"]:
        if v < 1000 or unit == "GB":
            return f"{v:.0f} {unit}" if unit == "B" or v >= 100 else f"{v:.1f} {unit}"
        v /= 1000
    return str(v)


def fmt_n(v):
    return "–" if v is None else f"{v:,.0f}"


def ratio(peer, ours):
    if peer is None or ours is None or ours == 0:
        return "–"
    return f"×{peer / ours:.1f}" if peer / ours < 10 else f"×{peer / ours:.0f}"


corpora = [c for c in ["a", "b", "c"] if any(k[0] == c for k in cells)]
L = []
w = L.append

w("# Benchmark: StaticOffload.Build vs `aws s3 sync`, `rclone sync`, `s3cmd sync`")
w("")
w(f"Produced by `bash bench/run.sh{' --quick' if meta.get('mode') == 'quick' else ''}` (see `bench/README.md`) on "
  f"{meta.get('started_at', '?')}, {meta.get('mode', '?')} mode, median of {meta.get('runs', '?')} runs per cell; "
  f"the whole run took {int(meta.get('duration_s', 0)) // 60} min {int(meta.get('duration_s', 0)) % 60} s.")
w("")
w("| | |")
w("| --- | --- |")
w(f"| Machine | {meta.get('nproc')} CPUs ({meta.get('cpu')}), {meta.get('mem')} RAM, {meta.get('os')} |")
w(f"| Load average (1/5/15 min) | {meta.get('load_start')} at the start, {meta.get('load_end')} at the end |")
w(f"| Package | StaticOffload.Build {meta.get('version')}, packed from the {meta.get('src_state')} |")
w(f"| .NET SDK | {meta.get('dotnet')} |")
w(f"| Peers | {meta.get('aws')} (`/usr/bin/aws`), {meta.get('rclone')}, s3cmd {meta.get('s3cmd', '').split()[-1]} |")
w(f"| Server | tests/s3-server (fauxqs {meta.get('fauxqs')}, Node {meta.get('node')}), 127.0.0.1, data in memory, a fresh process per corpus |")
w(f"| Timing | {meta.get('hyperfine')}, GNU time (`/usr/bin/time`), {meta.get('curl')} |")
w(f"| Scratch (corpora) | {meta.get('workdir')} |")
w("")
notes = os.path.join(work, "notes.md")
if os.path.exists(notes):
    w(open(notes).read().strip())
    w("")
w("**How to read.** *wall*: the whole process (for ours: `dotnet msbuild -t:StaticOffloadSync`, MSBuild start-up "
  "included). *in-task*: ours only, the time in its summary line (the sync step alone). *requests* and *bytes*: counted "
  "by the server's request log, per run (bytes = request bodies received, aws-chunked framing included). *RSS*: peak "
  "resident set of the largest process of the run. *×N*: peer wall ÷ ours wall (above 1: we are faster). "
  "*OWN-PUT*, *OWN-GET*, ...: requests for the package's own documents under `<prefix>.staticoffload/` (the bucket state, the deploy lease, the deploy history and manifests), apart from those for the site's objects. All values are medians.")
w("")

# ---- summary
w("## Summary: median wall time per scenario (ratio = peer ÷ ours)")
w("")
w("| corpus | scenario | ours: wall (in-task) | rclone | s3cmd | aws |")
w("| --- | --- | --- | --- | --- | --- |")
for c in corpora:
    for sc, label in SCENARIOS:
        o = cells.get((c, sc, "ours"))
        if not o:
            continue
        line = f"| {c} | {label} | {fmt_s(o['wall'])} ({fmt_s(o['in_task'])}) |"
        for t in PEERS:
            p = cells.get((c, sc, t))
            line += f" {fmt_s(p['wall'])} {ratio(p['wall'], o['wall'])} |" if p else " – |"
        w(line)
w("")
w("| corpus | scenario | ours: requests / bytes | rclone | s3cmd | aws |")
w("| --- | --- | --- | --- | --- | --- |")
for c in corpora:
    for sc, label in SCENARIOS:
        o = cells.get((c, sc, "ours"))
        if not o:
            continue
        line = f"| {c} | {label} | {fmt_n(o['req'])} / {fmt_b(o['bytes'])} |"
        for t in PEERS:
            p = cells.get((c, sc, t))
            line += f" {fmt_n(p['req'])} / {fmt_b(p['bytes'])} |" if p else " – |"
        w(line)
w("")

# ---- targets
w("## Targets of issue 5")
w("")
w("A target is judged on the whole process (ours: MSBuild start-up and resolving the files included, against a peer's "
  "whole process). Where a row says *sync step alone*, ours is the sync task's own time from its summary line, still "
  "against the peer's whole process: what the package adds to a build that runs MSBuild anyway.")
w("")
w("| corpus | target | verdict | numbers |")
w("| --- | --- | --- | --- |")


def site(kinds):
    """The request kinds for the site's objects: without OWN-* (the sync's state, deploy lease, history, manifests)."""
    return {k: v for k, v in kinds.items() if not k.startswith("OWN-")}


def mix(kinds):
    return " ".join(f"{k}={v}" for k, v in sorted(kinds.items())) or "no requests"


def verdict(ok):
    return "**holds**" if ok else "**missed**"


for c in corpora:
    f = floors.get(c, {})
    info = corpora_info.get(c, {})
    one_pct = int(info.get("one_pct", "0") or 0)
    o = {sc: cells.get((c, sc, "ours")) for sc, _ in SCENARIOS}
    peers = {sc: [cells[(c, sc, t)] for t in PEERS if (c, sc, t) in cells] for sc, _ in SCENARIOS}
    if o["noop"] and peers["noop"]:
        fastest = min(p["wall"] for p in peers["noop"])
        x = o["noop"]
        w(f"| {c} | no-op: zero requests | {verdict(x['req_max'] == 0)} | at most {fmt_n(x['req_max'])} requests in {x['n']} runs |")
        w(f"| {c} | no-op: ≥ 10× faster than the fastest peer | {verdict(fastest / x['wall'] >= 10)} | "
          f"fastest peer {fmt_s(fastest)}; ours {fmt_s(x['wall'])} whole process (×{fastest / x['wall']:.2f}), "
          f"{fmt_s(x['in_task'])} in-task (×{fastest / x['in_task']:.1f} if MSBuild start-up is left out) |"
          if x["in_task"] else f"| {c} | no-op: 10× | – | – |")
        if x["in_task"]:
            w(f"| {c} | no-op: ≥ 10× faster than the fastest peer, sync step alone | {verdict(fastest / x['in_task'] >= 10)} | "
              f"fastest peer {fmt_s(fastest)} (whole process); ours {fmt_s(x['in_task'])} in-task (×{fastest / x['in_task']:.1f}) |")
        if f:
            walk = f["walk_median_s"]
            if x["in_task"]:
                w(f"| {c} | no-op: within 2× of the bare walk + stat, sync step alone | {verdict(x['in_task'] <= 2 * walk)} | "
                  f"walk {fmt_s(walk)}; ours {fmt_s(x['in_task'])} in-task ({x['in_task'] / walk:.1f}×) |")
            w(f"| {c} | no-op: within 2× of the bare walk + stat | {verdict(x['wall'] <= 2 * walk)} | walk {fmt_s(walk)}; "
              f"ours {fmt_s(x['wall'])} whole process ({x['wall'] / walk:.0f}×), {fmt_s(x['in_task'])} in-task "
              f"({(x['in_task'] or 0) / walk:.0f}×); MSBuild start-up alone {fmt_s(f['msbuild_empty_median_s'])}, "
              f"+ resolving the files {fmt_s(f['msbuild_resolve_median_s'])} |")
    if o["first"] and peers["first"]:
        x = o["first"]
        fastest = min(p["wall"] for p in peers["first"])
        w(f"| {c} | first upload: ahead of every peer | {verdict(x['wall'] < fastest)} | ours {fmt_s(x['wall'])} "
          f"(in-task {fmt_s(x['in_task'])}); fastest peer {fmt_s(fastest)} |")
        if x["in_task"]:
            w(f"| {c} | first upload: ahead of every peer, sync step alone | {verdict(x['in_task'] < fastest)} | "
              f"ours {fmt_s(x['in_task'])} in-task; fastest peer {fmt_s(fastest)} (whole process) |")
        if f:
            raw = f["raw_median_s"]
            w(f"| {c} | first upload: within 1.2× of the raw PUT capacity | {verdict(x['wall'] <= 1.2 * raw)} | raw "
              f"{fmt_s(raw)} ({f['raw_requests']:,} PUTs); ours {x['wall'] / raw:.1f}× whole process, "
              f"{(x['in_task'] or 0) / raw:.1f}× in-task |")
    if o["fresh"]:
        x = o["fresh"]
        aws = cells.get((c, "fresh", "aws"))
        w(f"| {c} | fresh CI clone: zero bytes uploaded | {verdict(x['file_bytes_max'] == 0)} | ours {fmt_n(x['req'])} "
          f"requests, {fmt_b(x['bytes'])}" + (f"; aws s3 sync {fmt_b(aws['bytes'])} in {fmt_n(aws['req'])} requests" if aws else "") + " |")
    if o["rule"]:
        x = o["rule"]
        kinds = x["methods_max"]
        only_meta = set(site(kinds)) <= {"COPY"}
        w(f"| {c} | rule change: zero bytes re-uploaded, only metadata requests | {verdict(x['file_bytes_max'] == 0 and only_meta)} | "
          f"ours, largest count of each request kind over {x['n']} runs: {mix(kinds)} ({fmt_b(x['state'])} of the bytes: the sync's own documents) |")
    for sc, label in (("change1", "1% changed"), ("delete1", "1% deleted")):
        if not o[sc]:
            continue
        x = o[sc]
        kinds = x["methods_max"]
        reads = sum(int(kinds.get(k, 0)) for k in ("LIST", "HEAD", "GET"))
        if sc == "change1":
            uploads = int(kinds.get("PUT", 0)) + int(kinds.get("MPU-INIT", 0))
            ok = reads == 0 and uploads == one_pct
            detail = f"{one_pct} files changed; ours, largest count of each request kind over {x['n']} runs: {mix(kinds)} ({uploads} object uploads, {fmt_b(x['file_bytes'])})"
        else:
            ok = reads == 0 and set(site(kinds)) <= {"DELETEBATCH", "DELETE"}
            detail = f"{one_pct} files deleted; ours, largest count of each request kind over {x['n']} runs: {mix(kinds)}"
        w(f"| {c} | {label}: only those requests | {verdict(ok)} | {detail} |")
b_first, c_first = cells.get(("b", "first", "ours")), cells.get(("c", "first", "ours"))
if b_first and c_first:
    ok = c_first["rss"] <= 1.25 * b_first["rss"]
    w(f"| b vs c | memory: peak RSS does not grow with file size | {verdict(ok)} | first upload: {c_first['rss'] / 1024:.0f} MB "
      f"on (c) vs {b_first['rss'] / 1024:.0f} MB on (b); largest of all runs of ours on (c): "
      f"{max(cells[k]['rss'] for k in cells if k[0] == 'c' and k[2] == 'ours') / 1024:.0f} MB |")
w("")

# ---- floors
w("## Floors")
w("")
w("| corpus | files | bytes | bare walk + stat (`find -printf`) | raw concurrent PUTs (`curl -Z --parallel-max 16`) | raw MB/s | MSBuild start-up (empty target) | + StaticOffloadResolveFiles |")
w("| --- | --- | --- | --- | --- | --- | --- | --- |")
for c in corpora:
    f = floors.get(c)
    info = corpora_info.get(c, {})
    if not f:
        continue
    w(f"| {c} | {int(info.get('files', 0)):,} | {fmt_b(f['bytes'])} | {fmt_s(f['walk_median_s'])} | {fmt_s(f['raw_median_s'])} "
      f"({f['raw_requests']:,} PUTs) | {f['bytes'] / 1e6 / f['raw_median_s']:.0f} | {fmt_s(f['msbuild_empty_median_s'])} | "
      f"{fmt_s(f['msbuild_resolve_median_s'])} |")
w("")
w("The raw PUT floor sends the same files with one keep-alive `curl` process, 16 transfers in flight, explicit "
  "`Content-Type`, no signing and no hashing; files of 8 MiB and more are sent as 8 MiB pieces (separate objects), "
  "since the server refuses single bodies over 11 MiB — the same request sizes as a multipart upload, without its "
  "create/complete calls. The corpus as measured at the start (before the change/delete scenarios).")
w("")

# ---- details
for c in corpora:
    info = corpora_info.get(c, {})
    w(f"## Corpus {CORPUS_NAMES[c]}: details")
    w("")
    w(f"{int(info.get('files', 0)):,} files, {fmt_b(num(info.get('bytes')))}; \"1%\" = {info.get('one_pct')} file(s) per run; "
      f"rule scenario: `{info.get('rule')}`.")
    w("")
    w("| scenario | tool | wall (min–max) | ×peer/ours | in-task | CPU (user+sys) | peak RSS | requests | bytes uploaded | request mix (last run) | failed runs |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for sc, label in SCENARIOS:
        o = cells.get((c, sc, "ours"))
        for t in TOOLS:
            x = cells.get((c, sc, t))
            if not x:
                continue
            w(f"| {label} | {t} | {fmt_s(x['wall'])} ({fmt_s(x['wall_min'])}–{fmt_s(x['wall_max'])}) | "
              f"{ratio(x['wall'], o['wall']) if o and t != 'ours' else ''} | {fmt_s(x['in_task']) if t == 'ours' else ''} | "
              f"{fmt_s(x['cpu'])} | {x['rss'] / 1024:.0f} MB | {fmt_n(x['req'])} | {fmt_b(x['bytes'])} | {x['methods']} | "
              f"{x['failed'] or ''} |")
    w("")

# ---- publish
pub = [(k[1], cells[k]) for k in cells if k[0] == "publish"]
if pub:
    w("## Whole `dotnet publish` of the Blazor WASM sample")
    w("")
    w("`plain`: the app without the package; `pkg-nosync`: with the package, no bucket (sync off); `pkg-sync`: with the "
      "package and the bucket set (prefix `pub/`). `inc-*`: publish again with nothing changed (a developer's or a warm "
      "CI agent's repeated publish; the snapshot in obj/ is there). `ci-*`: bin/ and obj/Release removed first (a fresh CI "
      "checkout; restore kept), the bucket already holding the site, so the sync starts without a snapshot.")
    w("")
    w("| variant | runs | wall (min–max) | added to plain | in-task (sync) | CPU | peak RSS | requests | bytes uploaded |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    order = ["inc-plain", "inc-pkg-nosync", "inc-pkg-sync", "ci-plain", "ci-pkg-sync"]
    byname = dict(pub)
    for name in order:
        x = byname.get(name)
        if not x:
            continue
        base = byname.get("ci-plain" if name.startswith("ci-") else "inc-plain")
        added = "" if name.endswith("plain") or not base else f"{x['wall'] - base['wall']:+.2f} s"
        w(f"| {name} | {x['n']} | {fmt_s(x['wall'])} ({fmt_s(x['wall_min'])}–{fmt_s(x['wall_max'])}) | {added} | "
          f"{fmt_s(x['in_task'])} | {fmt_s(x['cpu'])} | {x['rss'] / 1024:.0f} MB | {fmt_n(x['req'])} | {fmt_b(x['bytes'])} |")
    w("")

# ---- how each tool was run
w("## How each tool was run")
w("")
w("- **ours**: `dotnet msbuild tiny.csproj -t:StaticOffloadSync` (the public target alone, no publish) with "
  "`-p:PublishDir=<corpus>/ -p:StaticOffloadBucket=bench -p:StaticOffloadPrefix=ours/ -p:StaticOffloadServiceUrl=… "
  "-p:StaticOffloadForcePathStyle=true -p:StaticOffloadSnapshotFile=… -p:StaticOffloadMaxDeletes=100000 "
  "-p:StaticOffloadAllowShrink=true -p:StaticOffloadCompressedAssets=Upload`, `-m:1 -nodeReuse:false`. "
  "`CompressedAssets=Upload` so that the `.br`/`.gz` files of corpus (a) are uploaded as the peers upload them (the "
  "default, `Skip`, would sync fewer objects). Corpus (a) is synced as `PublishDir=publish/`, `SourceFolder=wwwroot`, "
  "so the endpoints manifest next to `wwwroot/` sets the headers, as in a real publish. Everything else is default "
  "(32 requests in flight, remote state on).")
w("- **aws**: `/usr/bin/aws s3 sync --delete DIR s3://bench/aws/` (defaults: 10 requests in flight, size + mtime "
  "comparison).")
w("- **rclone**: `rclone sync DIR s3r:bench/rclone --fast-list --checksum --s3-upload-cutoff 8M --s3-chunk-size 8M` "
  "(the last two only because the server refuses bodies over 11 MiB).")
w("- **s3cmd**: `s3cmd sync --delete-removed --multipart-chunk-size-mb=8 --guess-mime-type --no-mime-magic DIR/ s3://bench/s3cmd/`.")
w("- **Scenario set-up** (not timed): *first upload* empties the tool's prefix (and our snapshot) before each run; "
  "*fresh CI clone* deletes our snapshot and `touch`es every file before each run (content identical); *1% changed* "
  "rewrites 1% of the files with new bytes of the same size before each run; *1% deleted* moves 1% of the files aside "
  "before each run (and puts them back, with an untimed sync, before the next one, so every run deletes 1% of the "
  "whole corpus). Before the change and rule blocks each tool gets one untimed sync, so it starts from the corpus as "
  "the previous tool left it.")
w("- **Rule changed** (`Cache-Control` of every file of one type gets a new value each run): ours adds a "
  "`StaticOffloadRule` item; a sync of a peer never touches unchanged files, so the peer's timed run is its sync "
  "followed by the cheapest command that applies the header: aws `s3 cp s3://…/ s3://…/ --recursive --include "
  "'*.css' --cache-control … --content-type text/css --metadata-directive REPLACE` (CopyObject; the Content-Type has "
  "to be restated, REPLACE drops it: measured, it became `application/octet-stream`), rclone `copy --ignore-times "
  "--include '*.css' --header-upload 'Cache-Control: …'` (a re-upload: rclone has no metadata-only update), s3cmd "
  "`modify --recursive --include '*.css' --add-header 'Cache-Control: …' --acl-private` (HEAD + CopyObject per object; "
  "`--acl-private` because the test server answers `GET ?acl` with the object body, which s3cmd cannot parse).")
w("- **Test server**: `tests/s3-server/server.mjs`, started with `node --import bench/fauxqs-fix.mjs`: that preload "
  "decodes numeric character references in CompleteMultipartUpload bodies (fauxqs 2.4.1 decodes only named entities, so "
  "every multipart upload of rclone — Go writes `&#34;` for the ETag quotes — failed with 400 InvalidPart).")
w("")

if verify:
    w("## Checks")
    w("")
    w("Headers of one file of the rule's type after each rule run (status, Content-Type, Cache-Control, size), and the "
      "end state of every prefix after a final sync (objects, bytes):")
    w("")
    w("```")
    for v in verify:
        w("  ".join(v))
    w("```")
    w("")

# Everything from the notes marker on is written by people (analyses, profiles, targets of an issue): kept as it is,
# below the regenerated tables, so a new run never wipes it.
NOTES_MARKER = "<!-- notes: everything below is kept as it is by bench/report.py -->"
notes = ""
if os.path.exists(out_path):
    previous = open(out_path).read()
    if NOTES_MARKER in previous:
        notes = previous[previous.index(NOTES_MARKER):]
open(out_path, "w").write("\n".join(L) + "\n" + ("\n" + notes if notes else ""))
print(f"wrote {out_path}")
