import { describe, expect, it } from 'vitest';
import { deployProblems } from '../../functions/config/deployable.ts';
import { parseConfig } from '../../functions/config/load-config.ts';

const site = { id: 'acme', provider: 'periscope-v1', credentials: { secretId: 'rollcall/acme' } };
const problemsOf = (config: unknown) => deployProblems(parseConfig(JSON.stringify(config), 'test'));

describe('what synth refuses because it cannot run in Lambda', () => {
  it('accepts an s3:// store, secrets and https sites', () => {
    expect(
      problemsOf({
        store: 's3://bucket/rollcall',
        sites: [{ ...site, baseUrl: 'https://app.periscopedata.com' }],
      }),
    ).toEqual([]);
  });

  it('names a file:// store, and env or file credentials by site and key', () => {
    expect(
      problemsOf({
        store: 'file://./backups',
        sites: [
          { ...site, credentials: { env: 'ACME' } },
          { ...site, id: 'intranet', credentials: { file: 'intranet.json' } },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/^store: "file:\/\/\.\/backups" cannot be deployed/),
      expect.stringMatching(
        /^sites\[0\] \(acme\)\.credentials: \{"env": …\} cannot be deployed: a Lambda function has no environment variable of yours/,
      ),
      expect.stringMatching(
        /^sites\[1\] \(intranet\)\.credentials: \{"file": …\} cannot be deployed: a Lambda function has no file of yours/,
      ),
    ]);
  });

  it('refuses loopback, link-local and plain-http base URLs', () => {
    const urls = [
      'https://localhost:8443',
      'https://127.0.0.2',
      'https://[::1]',
      'https://169.254.169.254',
      'https://[fe80::1]',
      'http://app.periscopedata.com',
    ];
    const problems = problemsOf({
      store: 's3://bucket',
      sites: urls.map((baseUrl, index) => ({ ...site, id: `s${index}`, baseUrl })),
    });
    expect(problems.map((problem) => problem.replace(/^.*?" /, ''))).toEqual([
      'is a loopback address: from Lambda it is the function itself, not your machine',
      'is a loopback address: from Lambda it is the function itself, not your machine',
      'is a loopback address: from Lambda it is the function itself, not your machine',
      'is a link-local address, which a Lambda function cannot reach',
      'is a link-local address, which a Lambda function cannot reach',
      "is not https: the site's API key would cross the internet unencrypted",
    ]);
  });
});
