import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * A local S3-compatible server (s3rver) for tests, the demo and benchmarks. It runs in a child
 * process started with `--openssl-legacy-provider`, which s3rver needs to page ListObjectsV2 with
 * continuation tokens (they are DES-encrypted), and which this process should not need.
 */
export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: the endpoint override for the S3 client. */
  readonly endpoint: string;
  readonly bucket: string;
  /** s3rver accepts any region; the SDK needs one. */
  readonly region: string;
  /** The only credentials s3rver accepts. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Variables that point a child rollcall process (CLI, demo) at this server through the SDK's own conventions. */
  readonly env: Readonly<Record<string, string>>;
  /** Stops the server and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface LocalS3Options {
  /** Where s3rver keeps buckets and objects. */
  readonly directory: string;
  /** Created at start; default `rollcall-test`. */
  readonly bucket?: string;
  /** Default 0: a free port chosen by the system. */
  readonly port?: number;
  /** How long to wait for the server to answer; default 15 s. */
  readonly startTimeoutMs?: number;
}

const ENTRY = fileURLToPath(new URL('./local-s3-process.mjs', import.meta.url));
const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const bucket = options.bucket ?? 'rollcall-test';
  const child = spawn(
    process.execPath,
    [ENTRY, JSON.stringify({ directory: options.directory, bucket, port: options.port ?? 0 })],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });

  const stop = () => stopChild(child);
  try {
    const port = await waitForReady(child, options.startTimeoutMs ?? 15_000, () => stderr);
    const endpoint = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(`${endpoint}/${bucket}`);
    return {
      endpoint,
      bucket,
      region: REGION,
      credentials: CREDENTIALS,
      env: {
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForReady(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const onMessage = (message: unknown) => {
      const port = (message as { ready?: boolean; port?: unknown }).port;
      if (typeof port !== 'number') return;
      cleanup();
      resolve(port);
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited before it was ready (${signal ?? `code ${code}`})`);
    const onError = (error: Error) => fail(`could not be started: ${error.message}`);
    function fail(problem: string) {
      cleanup();
      const output = stderr().trim();
      reject(new Error(`local S3 server ${problem}${output ? `:\n${output}` : ''}`));
    }
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage).off('exit', onExit).off('error', onError);
    }
    child.on('message', onMessage).on('exit', onExit).on('error', onError);
  });
}

/** HEAD on the bucket until it answers 200: the server listens and the bucket exists. */
async function waitUntilAnswering(bucketUrl: string): Promise<void> {
  let lastProblem = '';
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const response = await fetch(bucketUrl, { method: 'HEAD' });
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`local S3 server at ${bucketUrl} does not answer: ${lastProblem}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
