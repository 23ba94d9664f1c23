/**
 * The AWS calls the Lambda handlers make, as IAM sees them. The handler tests put `recordCalls`
 * on their S3 client and note each Secrets Manager read; the permission contract evaluates every
 * call recorded here against the synthesised stack. Keys are stored with the site, day and run
 * replaced by placeholders, so one entry stands for every night of every site.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';

/** Which function made the call: each has its own role in the stack. */
export type CallingFunction = 'export' | 'audit' | 'evidence';

export interface RecordedCall {
  readonly function: CallingFunction;
  /** The IAM action the call needs, such as `s3:PutObject`. */
  readonly action: string;
  /** An object key or listing prefix under the store's root, or `secret` for the site's secret. */
  readonly resource: string;
  /** What SSE-KMS adds to the call on the archive's key: `kms:GenerateDataKey`, `kms:Decrypt`. */
  readonly kms: readonly string[];
}

export const recordedCallsFile = join(import.meta.dirname, 'recorded-calls.json');

/** The calls recorded by the last `ROLLCALL_RECORD_CALLS=1 npm test` and committed. */
export function committedCalls(): RecordedCall[] {
  return JSON.parse(readFileSync(recordedCallsFile, 'utf8')) as RecordedCall[];
}

/** What each S3 command needs from IAM and from the archive's key (objects are SSE-KMS). */
const s3Actions: Record<string, { action: string; kms: string[]; target: 'Key' | 'Prefix' }> = {
  PutObjectCommand: { action: 's3:PutObject', kms: ['kms:GenerateDataKey'], target: 'Key' },
  CreateMultipartUploadCommand: { action: 's3:PutObject', kms: ['kms:GenerateDataKey'], target: 'Key' },
  UploadPartCommand: { action: 's3:PutObject', kms: ['kms:GenerateDataKey'], target: 'Key' },
  CompleteMultipartUploadCommand: { action: 's3:PutObject', kms: ['kms:Decrypt'], target: 'Key' },
  AbortMultipartUploadCommand: { action: 's3:AbortMultipartUpload', kms: [], target: 'Key' },
  GetObjectCommand: { action: 's3:GetObject', kms: ['kms:Decrypt'], target: 'Key' },
  HeadObjectCommand: { action: 's3:GetObject', kms: [], target: 'Key' },
  ListObjectsV2Command: { action: 's3:ListBucket', kms: [], target: 'Prefix' },
  DeleteObjectCommand: { action: 's3:DeleteObject', kms: [], target: 'Key' },
};

/**
 * `lambda-<uuid>/snapshots/site=acme/date=2026-11-22/run=…/users.csv` → `snapshots/site={site}/date={date}/run={run}/users.csv`;
 * a sliced export's parts are numbered: `…/parts/part-000003.jsonl.gz` → `…/parts/part-{n}.jsonl.gz`.
 */
export function keyPattern(key: string, storePrefix: string): string {
  const relative = key.startsWith(`${storePrefix}/`) ? key.slice(storePrefix.length + 1) : key;
  return relative
    .replace(/site=[a-z0-9-]+/g, 'site={site}')
    .replace(/date=\d{4}-\d{2}-\d{2}/g, 'date={date}')
    .replace(/run=\d{8}T\d{6}Z/g, 'run={run}')
    .replace(/\/part-\d+\./g, '/part-{n}.')
    .replace(/\d{8}T\d{6}Z/g, '{run}');
}

/** Collects calls while `current` names the function whose handler is running. */
export class CallRecorder {
  private readonly calls = new Map<string, RecordedCall>();
  current: CallingFunction | undefined;

  constructor(private readonly storePrefixOf: (key: string) => string) {}

  /** Puts a middleware on the client that records each command before it is sent. */
  attach(client: S3Client): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: string; Prefix?: string };
        const known = s3Actions[context.commandName ?? ''];
        const target = known ? input[known.target] : (input.Key ?? input.Prefix);
        if (this.current && target !== undefined) {
          this.add({
            function: this.current,
            action: known?.action ?? `s3:${String(context.commandName).replace(/Command$/, '')}`,
            resource: keyPattern(target, this.storePrefixOf(target)),
            kms: known?.kms ?? [],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'rollcallRecordCalls' },
    );
  }

  add(call: RecordedCall): void {
    this.calls.set(JSON.stringify(call), call);
  }

  /** Every call once, in a stable order. */
  recorded(): RecordedCall[] {
    return [...this.calls.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
}

export function writeRecordedCalls(calls: readonly RecordedCall[]): void {
  writeFileSync(recordedCallsFile, `${JSON.stringify(calls, null, 2)}\n`);
}
