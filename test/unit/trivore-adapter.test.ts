import { describe, expect, it } from 'vitest';
import { createTrivoreAdapter, trivore } from '../../functions/providers/trivore/adapter.ts';
import { apiBase, basicToken } from '../../functions/providers/trivore/api.ts';
import { createLimiter } from '../../functions/providers/trivore/limiter.ts';
import { missingPermissionOf } from '../../functions/providers/trivore/site-errors.ts';

const secret = 's3cr3t-Value/+=';

describe('trivore adapter', () => {
  it('declares MFA, status and creation date, and no last login or password date', () => {
    expect(trivore).toMatchObject({
      id: 'trivore',
      displayName: 'Trivore ID',
      defaultBaseUrl: 'https://fi.trivoreid.com',
    });
    expect(trivore.capabilities).toEqual({
      lastLogin: false,
      mfa: true,
      passwordUpdated: false,
      createdAt: true,
      status: true,
      // Roles are not in Trivore's listings: only configured groups show administrators.
      privilege: expect.objectContaining({ userFlag: false, groupFlag: false, groupNames: [] }),
    });
  });

  it('accepts the documented credentials and treats the secret and its Basic token as secrets', () => {
    const credentials = trivore.credentialsSchema.parse({
      clientId: '9939129297585525',
      clientSecret: secret,
    });
    const token = Buffer.from(`9939129297585525:${secret}`).toString('base64');
    expect(basicToken(credentials)).toBe(token);
    expect(trivore.secretsOf(credentials)).toEqual([secret, token]);
  });

  it('refuses a client id written as a JSON number, which loses digits, and says how to fix it', () => {
    const parsed = trivore.credentialsSchema.safeParse(
      JSON.parse('{"clientId": 9939129297585525, "clientSecret": "x"}'),
    );
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('quote it');
  });

  it('names what is wrong with credentials without echoing the values', () => {
    const cases = [
      { clientId: '', clientSecret: secret },
      { clientId: 'has:colon', clientSecret: secret },
      { clientId: '123', clientSecret: `${secret}\n` },
      { clientId: '123' },
      { clientId: '123', clientSecret: secret, extra: secret },
    ];
    for (const input of cases) {
      const parsed = trivore.credentialsSchema.safeParse(input);
      expect(parsed.success).toBe(false);
      for (const issue of parsed.error?.issues ?? []) expect(issue.message).not.toContain(secret);
    }
  });

  it('asks for pages of 1 to 500 only', () => {
    expect(() => createTrivoreAdapter({ pageSize: 0 })).toThrow(RangeError);
    expect(() => createTrivoreAdapter({ pageSize: 501 })).toThrow(RangeError);
    expect(createTrivoreAdapter({ pageSize: 50 }).id).toBe('trivore');
  });

  it('finds the API under the server address, with or without the API path pasted on', () => {
    expect(apiBase('https://fi.trivoreid.com')).toBe('https://fi.trivoreid.com/api/rest/v1');
    expect(apiBase('https://fi.trivoreid.com/')).toBe('https://fi.trivoreid.com/api/rest/v1');
    expect(apiBase('https://fi.trivoreid.com/api/rest/v1/')).toBe('https://fi.trivoreid.com/api/rest/v1');
    expect(apiBase('https://proxy.example/trivore')).toBe('https://proxy.example/trivore/api/rest/v1');
  });

  it('reads the missing permission from a 403 message', () => {
    expect(missingPermissionOf('Client does not have required permission ACCOUNT_VIEW.')).toBe(
      'ACCOUNT_VIEW',
    );
    expect(missingPermissionOf('Forbidden')).toBeUndefined();
    expect(missingPermissionOf(undefined)).toBeUndefined();
  });
});

describe('createLimiter', () => {
  it('never has more than its limit of tasks running, across callers', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running -= 1;
    };
    await Promise.all([
      Promise.all(Array.from({ length: 10 }, () => limiter.run(task))),
      Promise.all(Array.from({ length: 10 }, () => limiter.run(task))),
    ]);
    expect(most).toBe(3);
  });

  it('frees the slot of a task that failed', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
