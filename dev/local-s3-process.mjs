// Hosts s3rver for dev/local-s3.ts in its own process, so its DES-encrypted ListObjectsV2
// continuation tokens can use OpenSSL's legacy provider without loosening the parent process.
// Plain JavaScript so it starts fast and needs no loader. Argument: JSON { directory, bucket, port }.
import S3rver from 's3rver';

const { directory, bucket, port } = JSON.parse(process.argv[2] ?? '{}');

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

const address = await server.run();

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent went away without stopping us: do not linger as an orphan holding the port.
process.on('disconnect', stop);

process.send?.({ ready: true, port: address.port });
