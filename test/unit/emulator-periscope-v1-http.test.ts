import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../dev/emulators/periscope-v1/routes/router.ts';
import { parseAccess } from '../../dev/emulators/periscope-v1/schemas.ts';
import { FaultPlan } from '../../dev/emulators/shared/faults.ts';
import { parseRailsQuery, pathSegments } from '../../dev/emulators/shared/http.ts';

describe('parseRailsQuery', () => {
  it('decodes + as a space and percent-escapes as characters', () => {
    expect(parseRailsQuery('next_page_start=ann+b@x.example')).toEqual({
      next_page_start: 'ann b@x.example',
    });
    expect(parseRailsQuery('next_page_start=ann%2Bb%40x.example')).toEqual({
      next_page_start: 'ann+b@x.example',
    });
    expect(parseRailsQuery('a=%C3%A9&b=&c')).toEqual({ a: 'é', b: '', c: '' });
  });

  it('keeps the last of a repeated key and cannot be used to reach the prototype', () => {
    expect(parseRailsQuery('test_mode=true&test_mode=True')).toEqual({ test_mode: 'True' });
    const query = parseRailsQuery('__proto__=x') ?? {};
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
    expect(Object.keys(query)).toEqual(['__proto__']);
  });

  it('reports malformed escapes', () => {
    expect(parseRailsQuery('next_page_start=%E0%A4%A')).toBeUndefined();
  });
});

describe('pathSegments and routes', () => {
  it('splits before decoding, so %2F stays inside a name and + stays a plus', () => {
    expect(pathSegments('/api/v1/groups/Sales%20%2F%20EMEA')).toEqual([
      'api',
      'v1',
      'groups',
      'Sales / EMEA',
    ]);
    expect(pathSegments('/api/v1/groups/A+B')).toEqual(['api', 'v1', 'groups', 'A+B']);
    expect(pathSegments('/api/v1/groups/')).toEqual(['api', 'v1', 'groups']);
    expect(pathSegments('/api/v1/groups/%ZZ')).toBeUndefined();
  });

  it('classifies requests for fault scoping', () => {
    const kind = (method: string, path: string, email = false) => {
      const route = matchRoute(method, path, email);
      return typeof route === 'object' ? route.kind : route;
    };
    expect(kind('GET', '/api/v1/users')).toBe('users-list');
    expect(kind('GET', '/api/v1/users', true)).toBe('user-detail');
    expect(kind('GET', '/api/v1/groups')).toBe('groups-list');
    expect(kind('GET', '/api/v1/groups/All%20Users')).toBe('group-detail');
    expect(kind('DELETE', '/api/v1/users', true)).toBe('write');
    expect(kind('PUT', '/api/v1/groups/X')).toBe('write');
    expect(kind('PUT', '/api/v1/groups')).toBeUndefined();
    expect(kind('GET', '/api/v1/groups/a/b')).toBeUndefined();
    expect(kind('GET', '/api/v1/groups/%')).toBe('malformed');
  });
});

describe('parseAccess', () => {
  it('matches case-insensitively and answers in the API spelling', () => {
    expect(['sql', 'SQL', 'Sql', 'view', 'Discovery'].map(parseAccess)).toEqual([
      'Sql',
      'Sql',
      'Sql',
      'View',
      'Discovery',
    ]);
    expect(parseAccess('admin')).toBeUndefined();
    expect(parseAccess('constructor')).toBeUndefined();
  });
});

describe('FaultPlan', () => {
  it('fires counted faults on requests after+1 … after+count, per fault and route', () => {
    const plan = new FaultPlan({
      serverErrors: { route: 'users-list', after: 1, count: 2, status: 502 },
      rateLimit: { route: 'groups-list', count: 1, retryAfterSeconds: 0 },
    });
    const seen = ['users-list', 'groups-list', 'users-list', 'groups-list', 'users-list', 'users-list'].map(
      (kind) => plan.interruption(kind as 'users-list' | 'groups-list')?.fault ?? null,
    );
    expect(seen).toEqual([null, 'rateLimit', 'serverErrors', null, 'serverErrors', null]);
  });

  it('gives resets priority when two faults fire together, and both still count', () => {
    const plan = new FaultPlan({ serverErrors: { count: 2 }, resetConnection: { count: 1 } });
    expect(plan.interruption('write')).toEqual({ fault: 'resetConnection' });
    expect(plan.interruption('write')).toEqual({ fault: 'serverErrors', status: 500 });
    expect(plan.interruption('write')).toBeUndefined();
  });

  it('supports persistent faults and scoped latency', () => {
    const plan = new FaultPlan({
      truncatedBody: { count: Number.POSITIVE_INFINITY },
      latencyMs: { ms: 5, route: 'group-detail' },
    });
    for (let i = 0; i < 50; i++) expect(plan.interruption('other')).toEqual({ fault: 'truncatedBody' });
    expect(plan.latencyFor('group-detail')).toBe(5);
    expect(plan.latencyFor('users-list')).toBe(0);
    expect(new FaultPlan({ latencyMs: 3 }).latencyFor('other')).toBe(3);
  });

  it('freezes the cursor from page K and reports drift once', () => {
    const plan = new FaultPlan({ repeatCursor: { fromPage: 2 }, drift: { afterPage: 1, add: 2 } });
    expect(plan.listingPage('users-list', 'b', 'a')).toEqual({ next: 'b', drift: { afterPage: 1, add: 2 } });
    expect(plan.listingPage('users-list', 'c', 'b')).toEqual({ next: 'c' });
    expect(plan.listingPage('users-list', 'd', 'c')).toEqual({ next: 'c' });
    expect(plan.listingPage('users-list', null, 'd')).toEqual({ next: 'c' });
    expect(plan.listingPage('groups-list', null, 'x')).toEqual({ next: null });
  });

  it('rejects nonsense settings', () => {
    expect(() => new FaultPlan({ serverErrors: { status: 404 as 500 } })).toThrow(RangeError);
    expect(() => new FaultPlan({ rateLimit: { count: -1 } })).toThrow(RangeError);
    expect(() => new FaultPlan({ latencyMs: -5 })).toThrow(RangeError);
  });
});
