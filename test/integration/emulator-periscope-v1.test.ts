import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type PeriscopeV1Emulator,
  type PeriscopeV1EmulatorOptions,
  type PeriscopeV1Group,
  type PeriscopeV1User,
  startPeriscopeV1Emulator,
} from '../../dev/emulators/periscope-v1/index.ts';

const DRY_RUN = { message: 'Action would have completed successfully' };
const USER_FIELDS = [
  'email',
  'first_name',
  'groups',
  'last_login_at',
  'last_name',
  'password_updated_at',
  'tfa_enabled',
];

const running: PeriscopeV1Emulator[] = [];
async function start(options: PeriscopeV1EmulatorOptions = {}): Promise<PeriscopeV1Emulator> {
  const emulator = await startPeriscopeV1Emulator(options);
  running.push(emulator);
  return emulator;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw body text instead of JSON. */
  text?: string;
  auth?: boolean;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected field by field
  body: any;
}

const authOf = (e: PeriscopeV1Emulator) => ({ 'HTTP-X-PARTNER-AUTH': `${e.site}:${e.apiKey}` });

async function call(e: PeriscopeV1Emulator, path: string, options: CallOptions = {}): Promise<Answer> {
  const res = await fetch(`${e.url}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.auth === false ? {} : authOf(e)),
      'Content-Type': 'application/json',
      ...options.headers,
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.text !== undefined && { body: options.text }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

/** Follows next_page_start, encoded, the way a correct client does. */
async function listAll(e: PeriscopeV1Emulator, resource: 'users' | 'groups', maxPages = 1000) {
  const pages: Answer[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `?next_page_start=${encodeURIComponent(cursor)}`;
    const page = await call(e, `/api/v1/${resource}${query}`);
    expect(page.status).toBe(200);
    pages.push(page);
    cursor = page.body.next_page_start;
  } while (cursor !== null && pages.length < maxPages);
  return pages;
}

const emails = (users: PeriscopeV1User[]) => users.map((u) => u.email);
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function user(email: string, groups: string[] = ['All Users']): PeriscopeV1User {
  return {
    first_name: 'Test',
    last_name: email.split('@')[0] ?? 'User',
    email,
    groups,
    last_login_at: '2026-10-01T12:00:00.000Z',
    password_updated_at: '2026-01-01T00:00:00.000Z',
    tfa_enabled: true,
  };
}

describe('auth and availability', () => {
  let e: PeriscopeV1Emulator;
  beforeAll(async () => {
    e = await startPeriscopeV1Emulator({
      users: 5,
      site: 'acme',
      apiKey: 'e179017a-62b0-4996-8a38-e91aa9f1',
    });
  });
  afterAll(() => e.close());

  it.each([
    ['no header', {}],
    ['a wrong key', { 'HTTP-X-PARTNER-AUTH': 'acme:wrong' }],
    ['an unknown site', { 'HTTP-X-PARTNER-AUTH': 'other:e179017a-62b0-4996-8a38-e91aa9f1' }],
    ['no site prefix', { 'HTTP-X-PARTNER-AUTH': 'e179017a-62b0-4996-8a38-e91aa9f1' }],
  ])('answers 403 with %s', async (_name, headers) => {
    for (const path of ['/api/v1/users', '/api/v1/groups', '/api/v1/groups/All%20Users']) {
      const res = await call(e, path, { auth: false, headers });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ message: expect.any(String) });
    }
  });

  it('accepts the header in the letter case the vendor documents', async () => {
    const res = await call(e, '/api/v1/users', {
      auth: false,
      headers: { 'Http-X-Partner-Auth': `acme:${e.apiKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
  });

  it('answers 404 for unknown routes and methods, with a JSON body', async () => {
    for (const [method, path] of [
      ['GET', '/api/v2/users'],
      ['GET', '/api/v1/dashboards'],
      ['GET', '/users'],
      ['PATCH', '/api/v1/users'],
      ['POST', '/api/v1/groups/Administrators'],
      ['GET', '/api/v1/users/someone@example.com'],
    ] as const) {
      const res = await call(e, path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
      expect(res.body.message).toEqual(expect.any(String));
    }
  });

  it('answers 404 on every route when the API is not enabled, once authenticated', async () => {
    const disabled = await start({ users: 3, apiEnabled: false });
    for (const [method, path] of [
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/groups'],
      ['GET', '/api/v1/groups/All%20Users'],
      ['POST', '/api/v1/users'],
      ['DELETE', '/api/v1/groups/Administrators'],
    ] as const) {
      const body = method === 'GET' ? undefined : { name: 'X', access: 'view' };
      expect((await call(disabled, path, { method, body })).status).toBe(404);
    }
    expect((await call(disabled, '/api/v1/users', { auth: false })).status).toBe(403);
    disabled.state.setApiEnabled(true);
    expect((await call(disabled, '/api/v1/users')).status).toBe(200);
  });

  it('serves the documented trailing-slash form of the groups URL', async () => {
    const res = await call(e, '/api/v1/groups/');
    expect(res.status).toBe(200);
    expect(res.body.total_groups).toBe(e.state.groupCount);
  });
});

describe('users listing', () => {
  it.each([
    [0, 1],
    [1, 1],
    [99, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])('pages %i users in %i page(s), each user exactly once, in e-mail order', async (count, pageCount) => {
    const e = await start({ users: count, seed: count + 1 });
    const pages = await listAll(e, 'users');
    expect(pages).toHaveLength(pageCount);
    const seen = pages.flatMap((p) => p.body.users as PeriscopeV1User[]);
    const keys = seen.map((u) => u.email.toLowerCase());
    expect(new Set(keys).size).toBe(count);
    expect(keys).toEqual([...keys].sort(byKey));
    expect(emails(seen)).toEqual(emails(e.state.users()));
    for (const [i, page] of pages.entries()) {
      expect(Object.keys(page.body).sort()).toEqual([
        'next_page_start',
        'total_users',
        'users',
        'users_this_page',
      ]);
      expect(page.body.total_users).toBe(count);
      expect(page.body.users_this_page).toBe(page.body.users.length);
      expect(page.body.users.length).toBe(i < pageCount - 1 ? 100 : count - 100 * (pageCount - 1));
      if (i < pageCount - 1) expect(page.body.next_page_start).toBe(pages[i + 1]?.body.users[0].email);
    }
    expect(pages.at(-1)?.body.next_page_start).toBeNull();
    for (const u of seen) expect(Object.keys(u).sort()).toEqual(USER_FIELDS);
  });

  it('treats the cursor as inclusive: the last e-mail of a page comes back first', async () => {
    const e = await start({ users: 250, seed: 3 });
    const first = await call(e, '/api/v1/users');
    const last: string = first.body.users[99].email;
    const again = await call(e, `/api/v1/users?next_page_start=${encodeURIComponent(last)}`);
    expect(again.body.users[0].email).toBe(last);
    expect(again.body.users).toHaveLength(100);
    expect(again.body.users[1].email).toBe(first.body.next_page_start);
  });

  it('matches the cursor case-insensitively, and starts at the next e-mail when none matches', async () => {
    const e = await start({
      data: {
        users: ['ann@x.example', 'Bob@x.example', 'carol@x.example', 'dave@x.example'].map((m) => user(m)),
        groups: [],
      },
      pageSize: 2,
    });
    const upper = await call(e, `/api/v1/users?next_page_start=${encodeURIComponent('BOB@X.EXAMPLE')}`);
    expect(emails(upper.body.users)).toEqual(['Bob@x.example', 'carol@x.example']);
    expect(upper.body.next_page_start).toBe('dave@x.example');
    const between = await call(e, '/api/v1/users?next_page_start=bz');
    expect(emails(between.body.users)).toEqual(['carol@x.example', 'dave@x.example']);
    expect(between.body.next_page_start).toBeNull();
    const beyond = await call(e, '/api/v1/users?next_page_start=zzz');
    expect(beyond.body).toEqual({ total_users: 4, users_this_page: 0, next_page_start: null, users: [] });
  });

  it('serves the community script that re-sends the last e-mail and drops the first record', async () => {
    const e = await start({ users: 250, seed: 9 });
    const first = await call(e, '/api/v1/users');
    const collected: PeriscopeV1User[] = [...first.body.users];
    for (let i = 0; i < Math.ceil(first.body.total_users / 99); i++) {
      const last = collected.at(-1)?.email ?? '';
      const page = await call(e, `/api/v1/users?next_page_start=${encodeURIComponent(last)}`);
      collected.push(...page.body.users.slice(1));
    }
    expect(emails(collected)).toEqual(emails(e.state.users()));
  });

  it('breaks visibly when a plus-address cursor is sent unencoded (+ decodes as a space)', async () => {
    const e = await start({
      data: {
        users: ['ann+a@x.example', 'ann+b@x.example', 'ann@x.example', 'bob@x.example'].map((m) => user(m)),
        groups: [],
      },
      pageSize: 1,
    });
    const first = await call(e, '/api/v1/users');
    expect(first.body.next_page_start).toBe('ann+b@x.example');
    const encoded = await call(e, `/api/v1/users?next_page_start=${encodeURIComponent('ann+b@x.example')}`);
    expect(emails(encoded.body.users)).toEqual(['ann+b@x.example']);
    e.resetRequestLog();
    const raw = await call(e, '/api/v1/users?next_page_start=ann+b@x.example');
    expect(e.requests[0]?.query).toEqual({ next_page_start: 'ann b@x.example' });
    // "ann b@…" sorts before every "ann+…": the page is the wrong user, and the cursor repeats.
    expect(emails(raw.body.users)).toEqual(['ann+a@x.example']);
    expect(raw.body.next_page_start).toBe('ann+b@x.example');
  });

  it('honours the pageSize option', async () => {
    const e = await start({ users: 25, seed: 4, pageSize: 10 });
    const pages = await listAll(e, 'users');
    expect(pages.map((p) => p.body.users_this_page)).toEqual([10, 10, 5]);
  });
});

describe('single user (HTTP-X-EMAIL)', () => {
  it('returns the user object instead of a page, matching the e-mail case-insensitively', async () => {
    const e = await start({ users: 30, seed: 2 });
    const target = e.state.users()[7] as PeriscopeV1User;
    const res = await call(e, '/api/v1/users?next_page_start=a', {
      headers: { 'HTTP-X-EMAIL': target.email.toUpperCase() },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(target);
  });

  it('answers 400 for an e-mail that is not on the site', async () => {
    const e = await start({ users: 3 });
    const res = await call(e, '/api/v1/users', { headers: { 'HTTP-X-EMAIL': 'nobody@example.com' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.any(String));
  });
});

describe('user writes', () => {
  const groups: PeriscopeV1Group[] = [
    { name: 'Administrators', access: 'Sql', dashboards: [] },
    { name: 'Sales', access: 'View', dashboards: [] },
    { name: 'Sales / EMEA', access: 'Discovery', dashboards: [] },
  ];
  const newUser = {
    first_name: 'Grace',
    last_name: 'Hopper, "Amazing"',
    email: 'Grace.Hopper+ops@rollcall-demo.example',
    invited_by_email: 'admin@rollcall-demo.example',
  };
  const site = () => start({ data: { users: [user('ann@x.example', ['All Users', 'Sales'])], groups } });

  it('creates a user (201) in "All Users" by default, visible through the API and the state', async () => {
    const e = await site();
    const res = await call(e, '/api/v1/users', { method: 'POST', body: newUser });
    expect(res.status).toBe(201);
    const expected = {
      first_name: 'Grace',
      last_name: 'Hopper, "Amazing"',
      email: 'Grace.Hopper+ops@rollcall-demo.example',
      groups: ['All Users'],
      last_login_at: null,
      password_updated_at: null,
      tfa_enabled: false,
    };
    expect(res.body).toEqual(expected);
    expect(e.state.getUser('grace.hopper+ops@rollcall-demo.example')).toEqual(expected);
    const back = await call(e, '/api/v1/users', { headers: { 'HTTP-X-EMAIL': newUser.email } });
    expect(back.body).toEqual(expected);
  });

  it('creates a user with groups, matched case-insensitively and spelled as the group is', async () => {
    const e = await site();
    const res = await call(e, '/api/v1/users', {
      method: 'POST',
      body: { ...newUser, groups: ['sales / emea', 'ADMINISTRATORS'] },
    });
    expect(res.status).toBe(201);
    expect(res.body.groups).toEqual(['All Users', 'Sales / EMEA', 'Administrators']);
  });

  it.each([
    ['first_name missing', { first_name: undefined }],
    ['last_name blank', { last_name: '  ' }],
    ['email missing', { email: undefined }],
    ['email invalid', { email: 'not-an-email' }],
    ['invited_by_email missing', { invited_by_email: undefined }],
    ['groups not a list', { groups: 'Sales' }],
    ['an unknown group', { groups: ['Sales', 'Nope'] }],
  ])('rejects a create with %s (400) and changes nothing', async (_name, change) => {
    const e = await site();
    const res = await call(e, '/api/v1/users', { method: 'POST', body: { ...newUser, ...change } });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.any(String));
    expect(e.state.userCount).toBe(1);
  });

  it('rejects a body that is not JSON (400)', async () => {
    const e = await site();
    expect((await call(e, '/api/v1/users', { method: 'POST', text: 'first_name=x' })).status).toBe(400);
  });

  it('answers 409 for an e-mail that exists in another letter case', async () => {
    const e = await site();
    const res = await call(e, '/api/v1/users', {
      method: 'POST',
      body: { ...newUser, email: 'ANN@x.example' },
    });
    expect(res.status).toBe(409);
    expect(e.state.userCount).toBe(1);
  });

  it('updates a subset of fields; omitted groups stay, [] resets, a list replaces', async () => {
    const e = await site();
    const put = (body: unknown) =>
      call(e, '/api/v1/users', { method: 'PUT', headers: { 'HTTP-X-EMAIL': 'Ann@X.example' }, body });
    const renamed = await put({ first_name: '=cmd|calc' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      first_name: '=cmd|calc',
      last_name: 'ann',
      groups: ['All Users', 'Sales'],
    });
    const replaced = await put({ groups: ['Administrators'] });
    expect(replaced.body.groups).toEqual(['All Users', 'Administrators']);
    const reset = await put({ last_name: 'Lovelace', groups: [] });
    expect(reset.body).toMatchObject({ last_name: 'Lovelace', groups: ['All Users'] });
    expect(e.state.getUser('ann@x.example')).toMatchObject({
      first_name: '=cmd|calc',
      groups: ['All Users'],
    });
  });

  it('answers 400 for an update of a missing user, a missing header or an unknown group', async () => {
    const e = await site();
    const missing = await call(e, '/api/v1/users', {
      method: 'PUT',
      headers: { 'HTTP-X-EMAIL': 'ghost@x.example' },
      body: { first_name: 'X' },
    });
    expect(missing.status).toBe(400);
    expect((await call(e, '/api/v1/users', { method: 'PUT', body: { first_name: 'X' } })).status).toBe(400);
    const unknown = await call(e, '/api/v1/users', {
      method: 'PUT',
      headers: { 'HTTP-X-EMAIL': 'ann@x.example' },
      body: { groups: ['Nope'] },
    });
    expect(unknown.status).toBe(400);
    expect(e.state.getUser('ann@x.example')?.groups).toEqual(['All Users', 'Sales']);
  });

  it('deletes a user (200 with the site in the message); a missing user is 400', async () => {
    const e = await site();
    const del = await call(e, '/api/v1/users', {
      method: 'DELETE',
      headers: { 'HTTP-X-EMAIL': 'ANN@x.example' },
    });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ message: `User removed from ${e.site}` });
    expect(e.state.userCount).toBe(0);
    const again = await call(e, '/api/v1/users', {
      method: 'DELETE',
      headers: { 'HTTP-X-EMAIL': 'ann@x.example' },
    });
    expect(again.status).toBe(400);
  });
});

describe('test_mode', () => {
  const data = () => ({
    users: [user('ann@x.example'), user('bob@x.example')],
    groups: [{ name: 'Sales', access: 'View' as const, dashboards: [] }],
  });
  const create = {
    first_name: 'New',
    last_name: 'User',
    email: 'new@x.example',
    invited_by_email: 'ann@x.example',
  };

  it('is a dry run only for exactly "true": validations run, the status is the real one, nothing changes', async () => {
    const e = await start({ data: data() });
    const before = JSON.stringify([e.state.users(), e.state.groups()]);
    const email = { 'HTTP-X-EMAIL': 'ann@x.example' };
    const answers = [
      await call(e, '/api/v1/users?test_mode=true', { method: 'POST', body: create }),
      await call(e, '/api/v1/users?test_mode=true', {
        method: 'PUT',
        headers: email,
        body: { groups: ['Sales'] },
      }),
      await call(e, '/api/v1/users?test_mode=true', { method: 'DELETE', headers: email }),
      await call(e, '/api/v1/groups?test_mode=true', {
        method: 'POST',
        body: { name: 'New', access: 'sql', created_by_email: 'ann@x.example' },
      }),
      await call(e, '/api/v1/groups/Sales?test_mode=true', { method: 'PUT', body: { name: 'Sales 2' } }),
      await call(e, '/api/v1/groups/Sales?test_mode=true', { method: 'DELETE' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 200, 201, 200, 200]);
    for (const a of answers) expect(a.body).toEqual(DRY_RUN);
    expect(JSON.stringify([e.state.users(), e.state.groups()])).toBe(before);

    const conflict = await call(e, '/api/v1/users?test_mode=true', {
      method: 'POST',
      body: { ...create, email: 'BOB@x.example' },
    });
    expect(conflict.status).toBe(409);
    const missing = await call(e, '/api/v1/groups/Nope?test_mode=true', { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });

  it.each(['True', 'TRUE', '1', 'false', ''])('writes for real with test_mode=%j', async (value) => {
    const e = await start({ data: data() });
    const res = await call(e, `/api/v1/users?test_mode=${value}`, {
      method: 'DELETE',
      headers: { 'HTTP-X-EMAIL': 'bob@x.example' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: `User removed from ${e.site}` });
    expect(e.state.getUser('bob@x.example')).toBeUndefined();
    expect(e.requests.at(-1)?.testMode).toBe(value);
  });
});

describe('groups', () => {
  it('pages groups in lower-cased name order, name and access only', async () => {
    const e = await start({ users: 10, groups: 45, seed: 5, pageSize: 20 });
    const pages = await listAll(e, 'groups');
    expect(pages).toHaveLength(3);
    const listed = pages.flatMap((p) => p.body.groups as { name: string; access: string }[]);
    expect(listed.map((g) => g.name)).toEqual(e.state.groups().map((g) => g.name));
    expect(listed.map((g) => g.name.toLowerCase())).toEqual(
      listed.map((g) => g.name.toLowerCase()).sort(byKey),
    );
    for (const g of listed) expect(Object.keys(g).sort()).toEqual(['access', 'name']);
    for (const p of pages) {
      expect(p.body.total_groups).toBe(45);
      expect(p.body.groups_this_page).toBe(p.body.groups.length);
    }
    const inclusive = await call(
      e,
      `/api/v1/groups?next_page_start=${encodeURIComponent(listed[19]?.name ?? '')}`,
    );
    expect(inclusive.body.groups[0].name).toBe(listed[19]?.name);
  });

  it.each([
    'All Users',
    'Administrators',
    'Sales / EMEA',
    '100% Club',
    'Team #1',
    'Who? What? Why?',
    'Finance & Accounting',
    'Analytics+Insights',
    'Équipe Paris',
    'Growth 🚀',
  ])('gets %j by its URL-encoded name, with dashboards', async (name) => {
    const e = await start({ users: 5, groups: 20, seed: 1 });
    const res = await call(e, `/api/v1/groups/${encodeURIComponent(name)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(e.state.getGroup(name));
    expect(Object.keys(res.body).sort()).toEqual(['access', 'dashboards', 'name']);
    const lower = await call(e, `/api/v1/groups/${encodeURIComponent(name.toLowerCase())}`);
    expect(lower.body.name).toBe(name);
  });

  it('answers 404 for a missing group and for an unencoded slash', async () => {
    const e = await start({ users: 5, groups: 20, seed: 1 });
    expect((await call(e, '/api/v1/groups/Nope')).status).toBe(404);
    expect((await call(e, '/api/v1/groups/Sales / EMEA'.replaceAll(' ', '%20'))).status).toBe(404);
  });

  it('creates a group (201), normalising access; 400 bad access or missing creator; 409 duplicate', async () => {
    const e = await start({ users: 5, groups: 3, seed: 1 });
    const post = (body: unknown, path = '/api/v1/groups') => call(e, path, { method: 'POST', body });
    const created = await post({
      name: 'Data & AI / Lab',
      access: 'discovery',
      created_by_email: 'a@x.example',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ name: 'Data & AI / Lab', access: 'Discovery' });
    expect(e.state.getGroup('data & ai / lab')).toEqual({
      name: 'Data & AI / Lab',
      access: 'Discovery',
      dashboards: [],
    });
    const typo = await post(
      { name: 'Ops', access: 'SQL', create_by_email: 'a@x.example' },
      '/api/v1/groups/',
    );
    expect(typo.body).toEqual({ name: 'Ops', access: 'Sql' });
    expect((await post({ name: 'X', access: 'admin', created_by_email: 'a@x.example' })).status).toBe(400);
    expect((await post({ name: 'X', access: 'view' })).status).toBe(400);
    expect((await post({ access: 'view', created_by_email: 'a@x.example' })).status).toBe(400);
    expect((await post({ name: 'ops', access: 'view', created_by_email: 'a@x.example' })).status).toBe(409);
    expect((await post({ name: 'all users', access: 'view', created_by_email: 'a@x.example' })).status).toBe(
      409,
    );
  });

  it('renames a group everywhere, changes access, and refuses bad access (400), missing (404), taken (409)', async () => {
    const e = await start({
      data: {
        users: [
          user('a@x.example', ['All Users', 'Sales', 'Ops']),
          user('b@x.example', ['All Users', 'sales']),
        ],
        groups: [
          { name: 'Sales', access: 'View', dashboards: [{ name: 'Pipeline', access: 'Edit' }] },
          { name: 'Ops', access: 'Sql', dashboards: [] },
        ],
      },
    });
    const put = (name: string, body: unknown) =>
      call(e, `/api/v1/groups/${encodeURIComponent(name)}`, { method: 'PUT', body });
    const renamed = await put('sales', { name: 'Sales & Partners', access: 'SQL' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ name: 'Sales & Partners', access: 'Sql' });
    expect(e.state.getGroup('Sales & Partners')?.dashboards).toEqual([{ name: 'Pipeline', access: 'Edit' }]);
    expect(e.state.getGroup('Sales')).toBeUndefined();
    expect(e.state.getUser('a@x.example')?.groups).toEqual(['All Users', 'Sales & Partners', 'Ops']);
    expect(e.state.getUser('b@x.example')?.groups).toEqual(['All Users', 'Sales & Partners']);
    expect((await put('Ops', { access: 'discovery' })).body).toEqual({ name: 'Ops', access: 'Discovery' });
    expect((await put('Ops', { access: 'write' })).status).toBe(400);
    expect((await put('Nope', { access: 'view' })).status).toBe(404);
    expect((await put('Ops', { name: 'SALES & PARTNERS' })).status).toBe(409);
    expect((await put('Ops', { name: 'OPS' })).body).toEqual({ name: 'OPS', access: 'Discovery' });
    expect((await put('All Users', { name: 'Everyone' })).status).toBe(400);
  });

  it('deletes a group (200) and removes it from its members; 404 missing; "All Users" stays', async () => {
    const e = await start({
      data: {
        users: [user('a@x.example', ['All Users', 'Team #1'])],
        groups: [{ name: 'Team #1', access: 'View', dashboards: [] }],
      },
    });
    const del = await call(e, `/api/v1/groups/${encodeURIComponent('team #1')}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ message: `Group removed from ${e.site}` });
    expect(e.state.getUser('a@x.example')?.groups).toEqual(['All Users']);
    expect((await call(e, '/api/v1/groups/Team%20%231', { method: 'DELETE' })).status).toBe(404);
    expect((await call(e, '/api/v1/groups/All%20Users', { method: 'DELETE' })).status).toBe(400);
    expect(e.state.getGroup('All Users')).toBeDefined();
  });
});

describe('generated data over HTTP', () => {
  it('is identical for the same seed and differs for another', async () => {
    const [a, b, c] = await Promise.all([
      start({ users: 150, groups: 12, seed: 42 }),
      start({ users: 150, groups: 12, seed: 42 }),
      start({ users: 150, groups: 12, seed: 43 }),
    ]);
    const texts = async (e: PeriscopeV1Emulator) =>
      (await listAll(e, 'users')).map((p) => p.text).join('\n') + (await listAll(e, 'groups'))[0]?.text;
    const [ta, tb, tc] = await Promise.all([
      texts(a as PeriscopeV1Emulator),
      texts(b as PeriscopeV1Emulator),
      texts(c as PeriscopeV1Emulator),
    ]);
    expect(ta).toBe(tb);
    expect(ta).not.toBe(tc);
  });

  it('carries hostile names and e-mails through JSON intact', async () => {
    const e = await start({ users: 200, seed: 7 });
    const served = (await listAll(e, 'users')).flatMap((p) => p.body.users as PeriscopeV1User[]);
    const names = served.flatMap((u) => [u.first_name, u.last_name]);
    for (const pattern of [
      /,/,
      /"/,
      /\n/,
      /\p{Extended_Pictographic}/u,
      /[\u0600-\u06FF]/,
      /[\u0590-\u05FF]/,
      /^=/,
      /^\+/,
      /^-/,
      /^@/,
    ]) {
      expect(
        names.some((n) => pattern.test(n)),
        String(pattern),
      ).toBe(true);
    }
    expect(served.some((u) => u.email.includes('+'))).toBe(true);
    expect(served.some((u) => u.email !== u.email.toLowerCase())).toBe(true);
    expect(served.some((u) => u.last_login_at === null)).toBe(true);
    expect(served).toEqual(e.state.users());
  });
});

describe('faults on the wire', () => {
  it('adds latency without blocking other work, scoped to a route', async () => {
    const e = await start({ users: 5, faults: { latencyMs: { ms: 60, route: 'users-list' } } });
    const t0 = performance.now();
    const [slow, fast] = await Promise.all([
      call(e, '/api/v1/users').then(() => performance.now() - t0),
      call(e, '/api/v1/groups').then(() => performance.now() - t0),
    ]);
    expect(slow).toBeGreaterThanOrEqual(59);
    expect(fast).toBeLessThan(slow);
    e.setFaults({ latencyMs: 30 });
    const t1 = performance.now();
    await call(e, '/api/v1/groups');
    expect(performance.now() - t1).toBeGreaterThanOrEqual(29);
  });

  it('survives a client that gives up before the answer', async () => {
    const e = await start({ users: 5, faults: { latencyMs: 300 } });
    const gaveUp = fetch(`${e.url}/api/v1/users`, { headers: authOf(e), signal: AbortSignal.timeout(20) });
    await expect(gaveUp).rejects.toThrow();
    e.setFaults({});
    expect((await call(e, '/api/v1/users')).status).toBe(200);
  });

  it('answers 429 with Retry-After for N requests after skipping M', async () => {
    const e = await start({ users: 5, faults: { rateLimit: { after: 1, count: 2, retryAfterSeconds: 0 } } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(e, '/api/v1/users'));
    expect(answers.map((a) => a.status)).toEqual([200, 429, 429, 200]);
    expect(answers[1]?.headers.get('retry-after')).toBe('0');
    expect(answers[1]?.body).toEqual({ message: expect.any(String) });
    e.setFaults({ rateLimit: { retryAfterSeconds: 7 } });
    expect((await call(e, '/api/v1/groups')).headers.get('retry-after')).toBe('7');
  });

  it('sends a burst of 5xx on one route and then recovers; Infinity persists', async () => {
    const e = await start({
      users: 5,
      faults: { serverErrors: { route: 'users-list', after: 1, count: 3, status: 503 } },
    });
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await call(e, '/api/v1/users')).status);
      expect((await call(e, '/api/v1/groups')).status).toBe(200);
    }
    expect(statuses).toEqual([200, 503, 503, 503, 200]);
    e.setFaults({ serverErrors: { count: Number.POSITIVE_INFINITY, status: 502 } });
    for (let i = 0; i < 5; i++) expect((await call(e, '/api/v1/groups')).status).toBe(502);
    e.setFaults({});
    expect((await call(e, '/api/v1/groups')).status).toBe(200);
  });

  it('resets the connection without a response', async () => {
    const e = await start({ users: 5, faults: { resetConnection: { route: 'group-detail', after: 1 } } });
    expect((await call(e, '/api/v1/groups/All%20Users')).status).toBe(200);
    await expect(fetch(`${e.url}/api/v1/groups/All%20Users`, { headers: authOf(e) })).rejects.toThrow();
    expect((await call(e, '/api/v1/groups/All%20Users')).status).toBe(200);
    expect(e.requests.map((r) => [r.status, r.fault])).toEqual([
      [200, undefined],
      [0, 'resetConnection'],
      [200, undefined],
    ]);
  });

  it('cuts a body in half with a matching Content-Length, so only JSON parsing fails', async () => {
    const e = await start({ users: 150, faults: { truncatedBody: { route: 'users-list' } } });
    const res = await fetch(`${e.url}/api/v1/users`, { headers: authOf(e) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(text.startsWith('{"total_users":150,')).toBe(true);
    expect((await call(e, '/api/v1/users')).body.users_this_page).toBe(100);
  });

  it('repeats the cursor from page K on, so following it never ends', async () => {
    const e = await start({ users: 450, seed: 2, faults: { repeatCursor: { fromPage: 2 } } });
    const pages = await listAll(e, 'users', 8);
    expect(pages).toHaveLength(8);
    const cursors = pages.map((p) => p.body.next_page_start);
    expect(cursors[0]).not.toBe(cursors[1]);
    expect(new Set(cursors.slice(1)).size).toBe(1);
    expect(cursors[1]).toEqual(expect.any(String));
  });

  it('repeats a last page cursor too (an always-present next)', async () => {
    const e = await start({ users: 50, seed: 2, faults: { repeatCursor: { fromPage: 1 } } });
    const pages = await listAll(e, 'users', 4);
    expect(pages).toHaveLength(4);
    expect(pages.map((p) => p.body.next_page_start)).toEqual(Array(4).fill(pages[0]?.body.users[0].email));
  });

  it('drifts the site between pages so total_users changes mid-listing', async () => {
    const e = await start({ users: 300, seed: 9, faults: { drift: { afterPage: 1, add: 7, remove: 3 } } });
    const pages = await listAll(e, 'users');
    expect(pages.map((p) => p.body.total_users)).toEqual([300, 304, 304, 304]);
    expect(e.state.userCount).toBe(304);
    const emailsNow = e.state.users().map((u) => u.email.toLowerCase());
    expect(new Set(emailsNow).size).toBe(304);
  });
});

describe('request log', () => {
  it('records method, raw path, decoded query, status, kind, test_mode and auth presence, never the key', async () => {
    const e = await start({ users: 5, apiKey: 'secret-key-123' });
    await call(e, '/api/v1/users?next_page_start=a%2Bb%40x.example&test_mode=True');
    await call(e, '/api/v1/groups/Team%20%231', { auth: false });
    await call(e, '/api/v1/users', { method: 'DELETE', headers: { 'HTTP-X-EMAIL': 'nobody@x.example' } });
    expect(e.requests).toEqual([
      {
        method: 'GET',
        path: '/api/v1/users',
        query: { next_page_start: 'a+b@x.example', test_mode: 'True' },
        status: 200,
        kind: 'users-list',
        testMode: 'True',
        hasAuth: true,
      },
      {
        method: 'GET',
        path: '/api/v1/groups/Team%20%231',
        query: {},
        status: 403,
        kind: 'group-detail',
        testMode: undefined,
        hasAuth: false,
      },
      {
        method: 'DELETE',
        path: '/api/v1/users',
        query: {},
        status: 400,
        kind: 'write',
        testMode: undefined,
        hasAuth: true,
        email: 'nobody@x.example',
      },
    ]);
    expect(JSON.stringify(e.requests)).not.toContain('secret-key-123');
    e.resetRequestLog();
    expect(e.requests).toEqual([]);
  });
});

describe('state', () => {
  it('reads deep copies and writes through to the API', async () => {
    const e = await start({ users: 3, groups: 2, seed: 1 });
    const copy = e.state.users()[0] as PeriscopeV1User;
    copy.groups.push('Mutated');
    expect(e.state.users()[0]?.groups).not.toContain('Mutated');
    e.state.addGroup({ name: 'Auditors', access: 'View' });
    e.state.addUser(user('zed@x.example', ['All Users', 'Auditors']));
    expect(() => e.state.addUser(user('ZED@x.example'))).toThrow();
    e.state.updateGroup('auditors', { name: 'Read-only Auditors' });
    expect(e.state.getUser('zed@x.example')?.groups).toEqual(['All Users', 'Read-only Auditors']);
    const res = await call(e, '/api/v1/users', { headers: { 'HTTP-X-EMAIL': 'zed@x.example' } });
    expect(res.body.groups).toEqual(['All Users', 'Read-only Auditors']);
    e.state.updateUser('zed@x.example', { tfa_enabled: false, last_login_at: null });
    expect((await call(e, '/api/v1/users?next_page_start=zed')).body.users[0]).toMatchObject({
      email: 'zed@x.example',
      tfa_enabled: false,
      last_login_at: null,
    });
    expect(e.state.removeGroup('Read-only Auditors')).toBe(true);
    expect(e.state.getUser('zed@x.example')?.groups).toEqual(['All Users']);
    expect(e.state.removeUser('zed@x.example')).toBe(true);
    expect(e.state.userCount).toBe(3);
    expect(() => e.state.removeGroup('All Users')).toThrow();
  });

  it('closes while a keep-alive connection is open, and then refuses connections', async () => {
    const e = await startPeriscopeV1Emulator({ users: 1 });
    await call(e, '/api/v1/users');
    await e.close();
    await expect(fetch(`${e.url}/api/v1/users`)).rejects.toThrow();
  });
});
