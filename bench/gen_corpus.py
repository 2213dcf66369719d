#!/usr/bin/env python3
"""Deterministic benchmark corpora (random, incompressible bytes; web extensions so the package's default
rules do not exclude them).

  gen_corpus.py tree  DIR COUNT SEED       COUNT files, 1 KB-200 KB (log-uniform), 3 folder levels
  gen_corpus.py large DIR COUNT SEED MINMB MAXMB   COUNT files of MINMB-MAXMB MB (.mp4)
  gen_corpus.py change DIR FRACTION SEED [CONTENT_SEED]   rewrite FRACTION of the files (chosen by SEED) with new
                                           bytes (from CONTENT_SEED, default SEED) of the same size
  gen_corpus.py delete DIR COUNT SEED [STASH]   delete COUNT files (move them under STASH if given)
  gen_corpus.py restore DIR STASH          move every file under STASH back into DIR
  gen_corpus.py curlconfig DIR URLBASE PARTSDIR   curl -K config that PUTs every file of DIR to URLBASE/<path>;
                                           files of 8 MiB and more are split into 8 MiB pieces in PARTSDIR first
                                           and PUT as <path>.partN (the test server refuses bodies over 11 MiB)
Prints the affected relative paths (change/delete) one per line.
"""
import math
import os
import random
import sys
import urllib.parse

TREE_EXTS = [".css", ".js", ".png", ".json", ".html", ".svg", ".woff2"]


def write(path, rng, size):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 4 << 20)
            f.write(rng.randbytes(n))
            left -= n


def tree(root, count, seed):
    rng = random.Random(seed)
    lo, hi = math.log(1024), math.log(200 * 1024)
    for i in range(count):
        # 3 folder levels: 10 x 10 x (count/100) leaf folders
        a, b, c = i % 10, (i // 10) % 10, (i // 100) % 10
        ext = TREE_EXTS[rng.randrange(len(TREE_EXTS))]
        size = int(math.exp(rng.uniform(lo, hi)))
        write(os.path.join(root, f"s{a}", f"m{b}", f"l{c}", f"f{i:05d}{ext}"), rng, size)


def large(root, count, seed, min_mb, max_mb):
    rng = random.Random(seed)
    for i in range(count):
        size = rng.randint(int(min_mb * 1_000_000), int(max_mb * 1_000_000))
        write(os.path.join(root, "media", f"video{i:02d}.mp4"), rng, size)


def files_of(root):
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            out.append(os.path.relpath(os.path.join(d, n), root))
    out.sort()
    return out


def change(root, fraction, seed, content_seed):
    pick = random.Random(seed)
    content = random.Random(content_seed)
    files = files_of(root)
    n = max(1, round(len(files) * fraction))
    for rel in sorted(pick.sample(files, n)):
        p = os.path.join(root, rel)
        write(p, content, os.path.getsize(p))
        print(rel)


def delete(root, count, seed, stash=None):
    rng = random.Random(seed)
    files = files_of(root)
    for rel in sorted(rng.sample(files, min(count, len(files)))):
        if stash:
            os.makedirs(os.path.dirname(os.path.join(stash, rel)), exist_ok=True)
            os.rename(os.path.join(root, rel), os.path.join(stash, rel))
        else:
            os.remove(os.path.join(root, rel))
        print(rel)


def restore(root, stash):
    if not os.path.isdir(stash):
        return
    for rel in files_of(stash):
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        os.rename(os.path.join(stash, rel), os.path.join(root, rel))
        print(rel)


PART = 8 * 1024 * 1024


def curlconfig(root, urlbase, partsdir):
    def q(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out = ['header = "Content-Type: application/octet-stream"', "silent", "show-error", "fail"]
    requests = 0
    for rel in files_of(root):
        path = os.path.join(root, rel)
        key = urllib.parse.quote(rel.replace(os.sep, "/"))
        size = os.path.getsize(path)
        pieces = []
        if size >= PART:
            with open(path, "rb") as f:
                n = 0
                while True:
                    chunk = f.read(PART)
                    if not chunk:
                        break
                    n += 1
                    piece = os.path.join(partsdir, rel + f".part{n}")
                    os.makedirs(os.path.dirname(piece), exist_ok=True)
                    with open(piece, "wb") as p:
                        p.write(chunk)
                    pieces.append((piece, f"{key}.part{n}"))
        else:
            pieces.append((path, key))
        for piece, k in pieces:
            out += [f"url = {q(urlbase + '/' + k)}", f"upload-file = {q(piece)}", 'output = "/dev/null"']
            requests += 1
    print("\n".join(out))
    print(f"requests {requests}", file=sys.stderr)


if __name__ == "__main__":
    cmd, root = sys.argv[1], sys.argv[2]
    if cmd == "tree":
        tree(root, int(sys.argv[3]), int(sys.argv[4]))
    elif cmd == "large":
        large(root, int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
    elif cmd == "change":
        change(root, float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else int(sys.argv[4]))
    elif cmd == "delete":
        delete(root, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    elif cmd == "restore":
        restore(root, sys.argv[3])
    elif cmd == "curlconfig":
        curlconfig(root, sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
