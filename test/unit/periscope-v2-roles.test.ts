import { describe, expect, it } from 'vitest';
import { createPeriscopeV2Api } from '../../functions/providers/periscope-v2/api.ts';
import { listRoles } from '../../functions/providers/periscope-v2/list-roles.ts';
import { SiteError } from '../../functions/shared/errors.ts';
import type { HttpClient, HttpRequest } from '../../functions/shared/http/client.ts';

/** An HttpClient that answers each roles request with the next canned body. */
function cannedRoles(...bodies: unknown[]): { http: HttpClient; urls: string[] } {
  const urls: string[] = [];
  const http: HttpClient = {
    async send(request: HttpRequest) {
      urls.push(request.url.toString());
      const body = bodies.shift();
      return { status: body === undefined ? 500 : 200, headers: new Headers(), body, retries: 0 };
    },
  };
  return { http, urls };
}

const api = (http: HttpClient) =>
  createPeriscopeV2Api('https://app.periscopedata.com', { site: 'acme', apiKey: 'k-123' }, http);

const role = (name: string, id?: string, grants: string[] = []) => ({
  ...(id === undefined ? {} : { id }),
  name,
  description: '',
  privileges: [{ object_type: 'Dashboard', permissions: ['read_dashboards'] }],
  permissions: grants.map((object_id) => ({
    object_type: 'Dashboard',
    object_id,
    permissions: ['read_dashboards'],
  })),
});

describe('periscope-v2 roles listing', () => {
  it('is complete after one valid response, with no reported total, and names every id-less role in a warning', async () => {
    const { http, urls } = cannedRoles({
      roles: [role('Everyone'), role('Admin', 'r-1', ['268359']), role('Viewers, "read only"')],
    });
    const listing = await listRoles(api(http), undefined, undefined);
    expect(urls).toEqual(['https://app.periscopedata.com/api/v1/roles']);
    expect(listing.records.map((listed) => listed.record.name)).toEqual([
      'Everyone',
      'Admin',
      'Viewers, "read only"',
    ]);
    expect(listing.report).toEqual({
      pages: 1,
      reportedTotal: null,
      uniqueRecords: 3,
      duplicatesDropped: 0,
      retries: 0,
      complete: true,
      warnings: [
        'role "Everyone" came back without an id; keyed by its name',
        'role "Viewers, \\"read only\\"" came back without an id; keyed by its name',
      ],
    });
  });

  it('has no warnings when every role has its id', async () => {
    const { http } = cannedRoles({ roles: [role('Everyone', 'r-0'), role('Admin', 'r-1')] });
    const listing = await listRoles(api(http), undefined, undefined);
    expect(listing.report.complete).toBe(true);
    expect('warnings' in listing.report).toBe(false);
  });

  it('cannot keep two different id-less roles of the same name apart, and says so', async () => {
    const { http } = cannedRoles({ roles: [role('Viewers'), { ...role('Viewers'), description: 'other' }] });
    const listing = await listRoles(api(http), undefined, undefined);
    expect(listing.report).toMatchObject({ complete: false, uniqueRecords: 1, duplicatesDropped: 1 });
    expect(listing.report.reason).toBe(
      'roles: 1 records share their key with a different record (first: "name:Viewers"), so one of each pair could not be kept.',
    );
  });

  it('follows a next_page_start should the API ever page roles', async () => {
    const { http, urls } = cannedRoles(
      { roles: [role('Everyone', 'r-0')], next_page_start: 'r-1' },
      { roles: [role('Admin', 'r-1')], next_page_start: null },
    );
    const listing = await listRoles(api(http), undefined, undefined);
    expect(urls.at(-1)).toBe('https://app.periscopedata.com/api/v1/roles?next_page_start=r-1');
    expect(listing.report).toMatchObject({ complete: true, pages: 2, uniqueRecords: 2 });
  });

  it('fails the site on a roles response that is not the expected shape', async () => {
    const { http } = cannedRoles({ roles: [{ id: 'r-0' }] });
    const failure = await listRoles(api(http), undefined, undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SiteError);
    expect(failure).toMatchObject({ kind: 'protocol' });
    expect((failure as Error).message).toBe(
      'Periscope site "acme": the roles listing does not match the expected shape: roles[0].name: ' +
        'Invalid input: expected string, received undefined.',
    );
  });
});
