// Preloaded into the test server for the benchmark only (node --import): one more fauxqs 2.4.1 defect that the
// benchmark hits and tests/s3-server/server.mjs does not fix (yet).
//
// CompleteMultipartUpload: fauxqs unescapes only the five named XML entities in the part list, so a client that
// writes the ETag's quotes as numeric character references (Go's encoding/xml: <ETag>&#34;abc…&#34;</ETag>,
// i.e. rclone) gets 400 InvalidPart for every multipart upload. Real S3 accepts any well-formed XML.
// Decoding numeric references here makes rclone's multipart uploads (corpus c) work; nothing else changes.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const serverDir = process.env.BENCH_S3_SERVER_DIR;
if (!serverDir) throw new Error('BENCH_S3_SERVER_DIR is not set');
// The very module server.mjs loads (ESM resolves real paths), so its S3Store subclass inherits the patch.
const storeFile = fs.realpathSync(path.join(serverDir, 'node_modules', 'fauxqs', 'dist', 's3', 's3Store.js'));
const { S3Store } = await import(pathToFileURL(storeFile).href);

const decode = (s) => s
  .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)));

const complete = S3Store.prototype.completeMultipartUpload;
S3Store.prototype.completeMultipartUpload = function (uploadId, partSpecs) {
  return complete.call(this, uploadId, partSpecs.map((p) => ({ ...p, etag: decode(p.etag) })));
};
