// Starts s3rver 3.7.1 for tests, with one addition: it decodes "aws-chunked" request bodies.
// Why: AWSSDK (.NET v4) and other current SDKs upload with chunked payload signing or trailing checksums
// (x-amz-content-sha256: STREAMING-...), which s3rver 3.7.1 stores verbatim, chunk headers included.
// Usage: node s3rver-host.mjs <directory> <port>. Prints one line "listening <port>" when ready.
import { createRequire } from 'node:module';
import { Transform } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json'));
const S3rver = require('s3rver');
const FilesystemStore = require('s3rver/lib/stores/filesystem');

// s3rver 3.7.1 lists with a delimiter by walking its folders, but never below a common prefix: a key two levels
// down (images/captured/<thing>/<day>/x.jpg) yields no common prefix at all, where S3 reports "<thing>/". So a
// delimited listing is computed here from the full listing of the prefix, as S3 defines it.
const listObjects = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function listObjectsWithNestedCommonPrefixes(bucket, options) {
  if (!options?.delimiter) return listObjects.call(this, bucket, options);
  const prefix = options.prefix ?? '';
  const all = await listObjects.call(this, bucket, { ...options, delimiter: '', maxKeys: Infinity });
  const commonPrefixes = new Set();
  const objects = [];
  for (const object of all.objects) {
    const idx = object.key.slice(prefix.length).indexOf(options.delimiter);
    if (idx !== -1) commonPrefixes.add(object.key.slice(0, prefix.length + idx + 1));
    else objects.push(object);
  }
  const maxKeys = options.maxKeys ?? Infinity;
  return { objects: objects.slice(0, maxKeys), commonPrefixes: [...commonPrefixes].sort(), isTruncated: objects.length > maxKeys };
};

const [directory, port] = process.argv.slice(2);
if (!directory || !port) {
  console.error('usage: node s3rver-host.mjs <directory> <port>');
  process.exit(2);
}

/** Decodes an aws-chunked body: "<hex size>[;chunk-signature=...]\r\n<bytes>\r\n" ... "0...\r\n[trailers]\r\n". */
class AwsChunkedDecoder extends Transform {
  #buffer = Buffer.alloc(0);
  #remaining = -1; // bytes of chunk data still to pass on; -1 while reading a chunk header
  #done = false;

  _transform(data, _encoding, callback) {
    this.#buffer = Buffer.concat([this.#buffer, data]);
    try {
      this.#drain();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  #drain() {
    while (!this.#done && this.#buffer.length > 0) {
      if (this.#remaining < 0) {
        const lineEnd = this.#buffer.indexOf('\r\n');
        if (lineEnd < 0) return;
        const header = this.#buffer.subarray(0, lineEnd).toString('latin1');
        const size = parseInt(header.split(';')[0], 16);
        if (Number.isNaN(size)) throw new Error(`malformed aws-chunked header '${header}'`);
        this.#buffer = this.#buffer.subarray(lineEnd + 2);
        if (size === 0) {
          this.#done = true; // trailers (checksums) follow; they are not stored
          return;
        }
        this.#remaining = size;
      } else if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, this.#buffer.length);
        this.push(this.#buffer.subarray(0, take));
        this.#buffer = this.#buffer.subarray(take);
        this.#remaining -= take;
      } else {
        if (this.#buffer.length < 2) return;
        this.#buffer = this.#buffer.subarray(2); // CRLF after chunk data
        this.#remaining = -1;
      }
    }
  }
}

const server = new S3rver({
  directory,
  port: Number(port),
  address: '127.0.0.1',
  silent: process.env.S3RVER_VERBOSE !== "1",
  vhostBuckets: false,
  // The decoded request no longer matches its streaming signature; credentials are still checked.
  allowMismatchedSignatures: true,
});

server.middleware.unshift(async (ctx, next) => {
  const req = ctx.req;
  const contentSha = req.headers['x-amz-content-sha256'] ?? '';
  if (contentSha.startsWith('STREAMING-')) {
    const decodedLength = req.headers['x-amz-decoded-content-length'];
    if (decodedLength !== undefined) req.headers['content-length'] = decodedLength;
    const encodings = (req.headers['content-encoding'] ?? '')
      .split(',').map(e => e.trim()).filter(e => e && e !== 'aws-chunked');
    if (encodings.length) req.headers['content-encoding'] = encodings.join(','); else delete req.headers['content-encoding'];
    req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const decoded = req.pipe(new AwsChunkedDecoder());
    req.on('error', err => decoded.destroy(err));
    decoded.headers = req.headers;
    ctx.req = decoded;
  }
  await next();
});

const address = await server.run();
process.stdout.write(`listening ${address.port}\n`);

// Parent closes stdin when it wants us gone (or dies): exit then, so no orphan servers stay behind.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
