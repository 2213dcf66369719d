// Unmeasured helpers for the benchmark, talking to the local test server on 127.0.0.1 (it accepts unsigned
// requests). Not a client under test.
//
//   node s3admin.mjs empty ENDPOINT BUCKET PREFIX      delete every object under PREFIX (batched DeleteObjects)
//   node s3admin.mjs count ENDPOINT BUCKET PREFIX      print "objects bytes" under PREFIX
//   node s3admin.mjs headers ENDPOINT BUCKET KEY...    print "key<TAB>content-type<TAB>cache-control" per key
//   node s3admin.mjs log-stats LOG FROM TO             print JSON stats of the request-log bytes FROM..TO-1 (byte offsets,
//                                                      taken with stat before and after one measured command)
import fs from 'node:fs';

const [cmd, ...args] = process.argv.slice(2);

function assertLoopback(endpoint) {
  const u = new URL(endpoint);
  if (u.hostname !== '127.0.0.1') throw new Error(`refusing non-loopback endpoint ${endpoint}`);
}

async function list(endpoint, bucket, prefix) {
  const out = [];
  let token = null;
  for (;;) {
    const q = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': '1000' });
    if (token) q.set('continuation-token', token);
    const res = await fetch(`${endpoint}/${bucket}?${q}`);
    const xml = await res.text();
    if (!res.ok) throw new Error(`list ${res.status}: ${xml.slice(0, 300)}`);
    for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
      const key = decodeXml(/<Key>([\s\S]*?)<\/Key>/.exec(m[1])[1]);
      const size = Number(/<Size>(\d+)<\/Size>/.exec(m[1])?.[1] ?? 0);
      out.push({ key, size });
    }
    const next = /<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml);
    if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || !next) break;
    token = decodeXml(next[1]);
  }
  return out;
}

const decodeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const encodeXml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function empty(endpoint, bucket, prefix) {
  if (!prefix) throw new Error('refusing to empty a whole bucket');
  for (let round = 0; round < 5; round++) {
    const objects = await list(endpoint, bucket, prefix);
    if (objects.length === 0) return;
    for (let i = 0; i < objects.length; i += 1000) {
      const body = '<Delete><Quiet>true</Quiet>' +
        objects.slice(i, i + 1000).map((o) => `<Object><Key>${encodeXml(o.key)}</Key></Object>`).join('') + '</Delete>';
      const res = await fetch(`${endpoint}/${bucket}?delete`, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
      if (!res.ok) throw new Error(`delete ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
  }
  throw new Error(`prefix ${prefix} still not empty`);
}

function logStats(file, from, to) {
  const buf = Buffer.alloc(Math.max(0, to - from));
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, buf, 0, buf.length, from);
  } finally {
    fs.closeSync(fd);
  }
  const lines = buf.toString('utf8').split('\n').filter(Boolean);
  // bytes: every request body byte the server received (aws-chunked framing and XML bodies included);
  // stateBytes: the part of it that went to StaticOffload's own state document (<prefix>.staticoffload/).
  const s = { requests: 0, bytes: 0, stateBytes: 0, errors: 0, byMethod: {} };
  for (const line of lines) {
    const r = JSON.parse(line);
    s.requests++;
    s.bytes += r.bytes ?? 0;
    if (typeof r.key === 'string' && r.key.includes('.staticoffload/')) s.stateBytes += r.bytes ?? 0;
    if (r.status === null || r.status >= 400) s.errors++;
    let kind = r.method;
    if (r.method === 'PUT' && r.headers?.['x-amz-copy-source']) kind = /[?&]partNumber=/.test(r.url) ? 'COPYPART' : 'COPY';
    else if (r.method === 'PUT' && /[?&]partNumber=/.test(r.url)) kind = 'PUTPART';
    else if (r.method === 'POST' && /[?&]delete(=|&|$)/.test(r.url)) kind = 'DELETEBATCH';
    else if (r.method === 'POST' && /[?&]uploads(=|&|$)/.test(r.url)) kind = 'MPU-INIT';
    else if (r.method === 'POST' && /[?&]uploadId=/.test(r.url)) kind = 'MPU-DONE';
    else if (r.method === 'GET' && r.key === null) kind = 'LIST';
    // StaticOffload's own documents (state, deploy lease, history, deploy manifests) apart from the site's objects.
    if (typeof r.key === 'string' && r.key.includes('.staticoffload/')) kind = `OWN-${kind}`;
    s.byMethod[kind] = (s.byMethod[kind] ?? 0) + 1;
  }
  return s;
}

if (cmd === 'empty') {
  assertLoopback(args[0]);
  await empty(args[0], args[1], args[2]);
} else if (cmd === 'count') {
  assertLoopback(args[0]);
  const objects = await list(args[0], args[1], args[2]);
  console.log(`${objects.length} ${objects.reduce((a, o) => a + o.size, 0)}`);
} else if (cmd === 'headers') {
  assertLoopback(args[0]);
  for (const key of args.slice(2)) {
    const res = await fetch(`${args[0]}/${args[1]}/${key.split('/').map(encodeURIComponent).join('/')}`, { method: 'HEAD' });
    console.log([key, res.status, res.headers.get('content-type'), res.headers.get('cache-control'), res.headers.get('content-length')].join('\t'));
  }
} else if (cmd === 'log-stats') {
  console.log(JSON.stringify(logStats(args[0], Number(args[1]), Number(args[2]))));
} else {
  console.error('usage: s3admin.mjs empty|count|headers|log-stats ...');
  process.exit(2);
}
