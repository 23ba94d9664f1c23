import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/shared/errors.ts';
import { createStore, s3ClientOptions, s3EndpointOverride } from '../../functions/store/create-store.ts';

const client = new S3Client({ region: 'us-east-1' });

describe('createStore', () => {
  it('resolves a relative file:// directory against the cwd it is given', () => {
    expect(createStore('file://./backups', { cwd: '/srv/rollcall' }).locate('snapshots/a.json')).toBe(
      '/srv/rollcall/backups/snapshots/a.json',
    );
    expect(createStore('file://backups', { cwd: '/srv/rollcall' }).locate('a.json')).toBe(
      '/srv/rollcall/backups/a.json',
    );
    expect(createStore('file:///var/backups', { cwd: '/srv/rollcall' }).locate('a.json')).toBe(
      '/var/backups/a.json',
    );
  });

  it('parses s3://bucket and s3://bucket/prefix, using the client from deps only when asked', () => {
    let built = 0;
    const factory = () => {
      built++;
      return client;
    };
    expect(createStore('s3://rollcall-archive', { cwd: '/', s3Client: client }).locate('x.json')).toBe(
      's3://rollcall-archive/x.json',
    );
    expect(
      createStore('s3://rollcall-archive/team/a/', { cwd: '/', s3Client: factory }).locate('x.json'),
    ).toBe('s3://rollcall-archive/team/a/x.json');
    expect(built).toBe(1);
    createStore('file://./x', { cwd: '/', s3Client: factory });
    expect(built).toBe(1);
  });

  it.each([
    ['backups', 'scheme'],
    ['https://example.com/backups', 'scheme'],
    ['file://', 'directory is missing'],
    ['s3://', 'not a valid S3 bucket name'],
    ['s3://Upper_Case', 'not a valid S3 bucket name'],
    ['s3://bucket//x', 'empty, "." or ".." segment'],
    ['s3://bucket/a/../b', 'empty, "." or ".." segment'],
  ])('rejects %j with a ConfigError naming the URI and what is accepted', (uri, problem) => {
    const attempt = () => createStore(uri, { cwd: '/', s3Client: client });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(problem);
    expect(attempt).toThrow(`"${uri}"`);
    expect(attempt).toThrow('file://<directory>');
    expect(attempt).toThrow('s3://<bucket>[/<prefix>]');
  });

  it('says so when an s3:// store has no client to use', () => {
    expect(() => createStore('s3://rollcall-archive', { cwd: '/' })).toThrow(ConfigError);
  });
});

describe('S3 client options', () => {
  it('keeps the SDK checksums on real S3 (Object Lock requires them) and drops them for a local server', () => {
    expect(s3ClientOptions(undefined)).toEqual({});
    expect(s3ClientOptions('http://127.0.0.1:4568')).toEqual({
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      endpoint: 'http://127.0.0.1:4568',
      forcePathStyle: true,
    });
  });

  it('finds the endpoint override the way the AWS SDK does', () => {
    expect(s3EndpointOverride({})).toBeUndefined();
    expect(s3EndpointOverride({ AWS_ENDPOINT_URL: 'http://all' })).toBe('http://all');
    expect(s3EndpointOverride({ AWS_ENDPOINT_URL: 'http://all', AWS_ENDPOINT_URL_S3: 'http://s3' })).toBe(
      'http://s3',
    );
    expect(
      s3EndpointOverride({ AWS_ENDPOINT_URL_S3: 'http://s3', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).toBeUndefined();
  });
});
