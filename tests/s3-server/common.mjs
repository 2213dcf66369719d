// Shared helpers for server.mjs (fauxqs) and s3rver.mjs: CLI parsing, the request log,
// the "ready" line on stdout, and lifetime handling (signals, --exit-on-stdin-close).
// Plain Node, no dependencies.
import fs from 'node:fs';

export const USAGE = `usage: node server.mjs [--port N] [--log FILE] [--bucket NAME ...] [--exit-on-stdin-close]
  --port N                port on 127.0.0.1 (default 0 = pick a free port)
  --log FILE              append one JSON line per S3 request to FILE
  --bucket NAME           create bucket NAME at start-up (repeatable)
  --exit-on-stdin-close   exit when standard input reaches EOF (parent died / closed the pipe)`;

/** Parses the common CLI. Exits with code 2 on a bad argument. */
export function parseArgs(argv) {
  const opts = { port: 0, log: null, buckets: [], exitOnStdinClose: false };
  const fail = (msg) => {
    process.stderr.write(`${msg}\n${USAGE}\n`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) fail(`missing value for ${arg}`);
      return argv[++i];
    };
    switch (arg) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) fail(`invalid --port: ${v}`);
        opts.port = n;
        break;
      }
      case '--log':
        opts.log = value();
        break;
      case '--bucket':
        opts.buckets.push(value());
        break;
      case '--exit-on-stdin-close':
        opts.exitOnStdinClose = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        fail(`unknown argument: ${argv[i]}`);
    }
  }
  return opts;
}

// ---------------------------------------------------------------------------
// Ordinal key order (what real S3 uses): binary UTF-8 order == Unicode code point order.
// JS `<` compares UTF-16 code units, which differs from code point order only when a
// supplementary character (surrogate pair, U+D800..U+DFFF units) meets a BMP character in
// U+E000..U+FFFF. The fix-up below maps code units so that the comparison is code point order.
export function compareUtf8(a, b) {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// ---------------------------------------------------------------------------
// Request log

// Request headers worth recording: what a client SENT that the emulators may not keep
// (storage class, ACL, website redirect) or that tests want to assert on.
// This is an allow-list: authorization, x-amz-security-token and any other credential
// header can never be logged.
const LOGGED_HEADERS = [
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
  'content-md5',
  'x-amz-storage-class',
  'x-amz-acl',
  'x-amz-website-redirect-location',
  'x-amz-metadata-directive',
  'x-amz-copy-source',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-checksum-algorithm',
  'x-amz-trailer',
  'if-match',
  'if-none-match',
];
const LOGGED_PREFIXES = ['x-amz-meta-', 'x-amz-checksum-'];
// Defence in depth: never log anything that looks like a credential, even under a prefix.
const FORBIDDEN = /authorization|security-token|credential|signature|secret|cookie/i;

export function pickHeaders(headers) {
  const out = {};
  for (const name of LOGGED_HEADERS) {
    const v = headers[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  for (const [name, v] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (LOGGED_PREFIXES.some((p) => lower.startsWith(p)) && !(lower in out)) {
      out[lower] = Array.isArray(v) ? v.join(', ') : v;
    }
  }
  for (const name of Object.keys(out)) {
    if (FORBIDDEN.test(name)) delete out[name];
  }
  return out;
}

// Presigned URLs carry credentials in the query string: keep the URL raw except for
// the values of these parameters.
const REDACTED_QUERY = /([?&](?:x-amz-credential|x-amz-signature|x-amz-security-token|awsaccesskeyid|signature)=)[^&]*/gi;
export function redactUrl(url) {
  return url.replace(REDACTED_QUERY, '$1REDACTED');
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a path-style URL into { bucket, key }: key decoded, null when absent. */
export function bucketAndKey(url) {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  const rest = path.startsWith('/') ? path.slice(1) : path;
  if (rest === '') return { bucket: null, key: null };
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: safeDecode(rest), key: null };
  const key = rest.slice(slash + 1);
  return { bucket: safeDecode(rest.slice(0, slash)), key: key === '' ? null : safeDecode(key) };
}

/** Opens FILE for appending; write() emits one JSON line synchronously (readable at once). */
export function openRequestLog(file) {
  if (!file) return { write() {}, close() {} };
  let fd = fs.openSync(file, 'a');
  return {
    write(record) {
      if (fd === null) return;
      try {
        fs.writeSync(fd, `${JSON.stringify(record)}\n`);
      } catch (err) {
        process.stderr.write(`request log write failed: ${err.message}\n`);
      }
    },
    close() {
      if (fd !== null) {
        fs.closeSync(fd);
        fd = null;
      }
    },
  };
}

/**
 * Builds one log record.
 * url: the request target as received (path+query), bucketUrl: path-style URL to take bucket/key from.
 */
export function makeRecord({ method, url, bucketUrl, status, bytes, headers, ms, aborted }) {
  const { bucket, key } = bucketAndKey(bucketUrl ?? url);
  const rec = {
    time: new Date().toISOString(),
    method,
    url: redactUrl(url),
    bucket,
    key,
    status,
    bytes,
    ms,
    headers: pickHeaders(headers),
  };
  if (aborted) rec.aborted = true;
  return rec;
}

/** Bytes announced by Content-Length, or null. */
export function contentLength(headers) {
  const v = headers['content-length'];
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

// ---------------------------------------------------------------------------
// Lifetime

export function printReady(port) {
  process.stdout.write(`${JSON.stringify({ port, endpoint: `http://127.0.0.1:${port}` })}\n`);
}

/** Calls stop() once on SIGTERM/SIGINT/SIGHUP (and on stdin EOF if asked), then exits 0. */
export function runUntilStopped(stop, { exitOnStdinClose }) {
  let stopping = false;
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown (${why}) timed out, exiting\n`);
      process.exit(1);
    }, 5000);
    timer.unref();
    try {
      await stop();
    } catch (err) {
      process.stderr.write(`error during shutdown (${why}): ${err?.stack ?? err}\n`);
      process.exit(1);
    }
    process.exit(0);
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => shutdown(sig));
  if (exitOnStdinClose) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('close', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin error'));
    process.stdin.on('data', () => {}); // discard anything written to us
    process.stdin.resume();
  }
  return shutdown;
}
