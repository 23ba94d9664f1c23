import { describe, expect, it } from 'vitest';
import { lumapps } from '../../functions/providers/lumapps/adapter.ts';
import { basicAuthorization, TokenSource } from '../../functions/providers/lumapps/token.ts';
import { SiteError } from '../../functions/shared/errors.ts';

describe('lumapps token source', () => {
  it('fetches one token for concurrent requests and renews it once however many saw the 401', async () => {
    let issued = 0;
    const source = new TokenSource(async () => `token-${++issued}`);
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect([a, b]).toEqual(['token-1', 'token-1']);
    const renewed = await Promise.all([
      source.renew('token-1'),
      source.renew('token-1'),
      source.renew('token-1'),
    ]);
    expect(renewed).toEqual(['token-2', 'token-2', 'token-2']);
    expect(await source.token()).toBe('token-2');
    expect(issued).toBe(2);
  });

  it('asks again after a failed exchange instead of keeping the failure', async () => {
    let calls = 0;
    const source = new TokenSource(async () => {
      calls += 1;
      if (calls === 1) throw new SiteError('server', 'token endpoint down');
      return 'token-2';
    });
    await expect(source.token()).rejects.toThrow('token endpoint down');
    expect(await source.token()).toBe('token-2');
  });

  it('sends the client as the SDK does, and treats that header value as a secret too', () => {
    const credentials = {
      organizationId: '1',
      clientId: 'client',
      clientSecret: 's3cr:et',
      userEmail: 'a@b.c',
    };
    expect(basicAuthorization(credentials)).toBe(`Basic ${Buffer.from('client:s3cr:et').toString('base64')}`);
    expect(lumapps.secretsOf(credentials)).toEqual([
      's3cr:et',
      Buffer.from('client:s3cr:et').toString('base64'),
    ]);
  });
});
