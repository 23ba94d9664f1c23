/**
 * `npm start`: the main job on embedded defaults. Starts the Periscope v1 emulator (about
 * 2,500 users, 40 groups) and a local S3-compatible server on free ports, then runs the real
 * `rollcall export` through the S3 code path into a git-ignored folder, and prints where the
 * files are.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { renderTable } from '../../cli/format.ts';
import { runCli } from '../../cli/run-cli.ts';
import { readLatest, verifySnapshot } from '../../functions/snapshot/read-snapshot.ts';
import { createStore, s3ClientOptions } from '../../functions/store/create-store.ts';
import { startPeriscopeV1Emulator } from '../emulators/periscope-v1/index.ts';
import { type LocalS3, startLocalS3 } from '../local-s3.ts';

const root = resolve(import.meta.dirname, '../..');
const demoDir = join(root, '.rollcall', 'demo');
const bucket = 'rollcall-demo';
const credentialsVariable = 'ROLLCALL_DEMO_CREDENTIALS';
// The SDK warns once per process that Node 20 support ends in 2027; the demo needs no reminder.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

await mkdir(demoDir, { recursive: true });
const emulator = await startPeriscopeV1Emulator({ users: 2500, groups: 40, seed: 1 });
const s3 = await startLocalS3({ directory: join(demoDir, 's3'), bucket });
try {
  const configPath = join(demoDir, 'rollcall.config.json');
  await writeFile(
    configPath,
    `${JSON.stringify(
      {
        store: `s3://${bucket}/archive`,
        sites: [
          {
            id: 'demo',
            provider: 'periscope-v1',
            baseUrl: emulator.url,
            credentials: { env: credentialsVariable },
          },
        ],
      },
      null,
      2,
    )}\n`,
  );
  // This process is a shell like the CLI: it sets the environment the AWS SDK and the
  // credentials source read. The local server accepts any key pair.
  Object.assign(process.env, {
    [credentialsVariable]: JSON.stringify({ site: emulator.site, apiKey: emulator.apiKey }),
    ...s3.env,
  });
  process.stdout.write(
    `rollcall demo: Periscope v1 emulator at ${emulator.url} (2,500 users, 40 groups); local S3 at ${s3.endpoint}\n\n`,
  );
  const exitCode = await runCli(['export', '--config', configPath], {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: root,
  });
  process.exitCode = exitCode === 0 ? await showSnapshot(s3) : exitCode;
  process.stdout.write(
    [
      `The local S3 server keeps its objects under ${relative(process.cwd(), join(demoDir, 's3', bucket))}/ (as <key>._S3rver_object).`,
      `The config the demo used: ${relative(process.cwd(), configPath)}`,
      'To export into a plain folder instead, see "Export a site with the CLI" in README.md.',
      '',
    ].join('\n'),
  );
} finally {
  await Promise.all([emulator.close(), s3.stop()]);
}

/** Reads the new snapshot back over S3, re-hashes every file, and lists what it holds. */
async function showSnapshot(server: LocalS3): Promise<number> {
  const store = createStore(`s3://${bucket}/archive`, {
    cwd: root,
    s3Client: new S3Client({
      ...s3ClientOptions(server.endpoint),
      region: server.region,
      credentials: server.credentials,
    }),
  });
  const latest = await readLatest(store, 'demo');
  if (!latest) throw new Error('the demo export wrote no latest.json');
  const verification = await verifySnapshot(store, latest.key);
  const rows = verification.files.map(
    (file) =>
      [
        file.name,
        file.expected.bytes,
        file.ok ? 'verified' : 'MISMATCH',
        file.expected.sha256.slice(0, 16),
      ] as const,
  );
  process.stdout.write(
    `\nRead back over S3 and re-hashed (latest.json → run ${latest.runId}):\n\n${renderTable(['file', 'bytes', 'sha-256', 'sha-256 (first 16)'], rows)}\n\n`,
  );
  return verification.ok ? 0 : 1;
}
