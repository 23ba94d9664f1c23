import { describe, expect, it } from 'vitest';
import { privilegeOf, unmatchedPrivilegedGroupWarnings } from '../../functions/audit/privileged.ts';
import { lumapps } from '../../functions/providers/lumapps/adapter.ts';
import { periscopeV1 } from '../../functions/providers/periscope-v1/adapter.ts';
import { periscopeV2 } from '../../functions/providers/periscope-v2/adapter.ts';
import { trivore } from '../../functions/providers/trivore/adapter.ts';
import { auditUsers, everyCapability, healthyUser } from '../support/audit-fixtures.ts';

const groups = [
  { key: 'g-admin', name: 'Administrators' },
  { key: 'g-role', name: 'Site owners', admin: true },
  { key: 'g-sales', name: 'Sales' },
];

describe('who administers a site, per provider', () => {
  it('Periscope v1: members of "Administrators", by name, whatever the case', () => {
    const privilege = privilegeOf({
      evidence: periscopeV1.capabilities.privilege,
      configuredNames: [],
      groups: [{ key: 'administrators', name: 'ADMINISTRATORS' }, ...groups.slice(2)],
      providerName: periscopeV1.displayName,
    });
    expect(privilege.isPrivilegedUser({ groups: ['administrators', 'g-sales'] })).toBe(true);
    expect(privilege.isPrivilegedUser({ groups: ['g-sales'] })).toBe(false);
    expect(privilege.unavailableReason).toBeUndefined();
  });

  it('Periscope v2: members of roles whose rights administer the site, whatever their name', () => {
    const privilege = privilegeOf({
      evidence: periscopeV2.capabilities.privilege,
      configuredNames: [],
      groups,
      providerName: periscopeV2.displayName,
    });
    expect(privilege.among(['g-admin', 'g-role', 'g-sales'])).toEqual(['g-role']);
    expect(privilege.describe({ groups: ['g-role'] })).toBe('member of Site owners');
  });

  it('LumApps: the flag on the user record; feeds confer nothing unless configured', () => {
    const privilege = privilegeOf({
      evidence: lumapps.capabilities.privilege,
      configuredNames: ['sales'],
      groups,
      providerName: 'LumApps',
    });
    expect(privilege.isPrivilegedUser({ admin: true, groups: [] })).toBe(true);
    expect(privilege.isPrivilegedUser({ admin: false, groups: ['g-role'] })).toBe(false);
    expect(privilege.describe({ admin: true, groups: ['g-sales'] })).toBe(
      'LumApps administrator, member of Sales',
    );
    expect(privilege.unmatchedNames).toEqual([]);
  });

  it('Trivore: only configured groups show administrators; without a match privilege is unavailable, with why', () => {
    const none = privilegeOf({
      evidence: trivore.capabilities.privilege,
      configuredNames: ['Administrators'],
      groups: groups.slice(2),
      providerName: trivore.displayName,
    });
    expect(none.unavailableReason).toBe(
      `${trivore.displayName} shows administrators as roles, which its user and group listings do not carry, and no group named in audit.privilegedGroups exists in this snapshot`,
    );
    expect(none.unmatchedNames).toEqual(['Administrators']);
    const named = privilegeOf({
      evidence: trivore.capabilities.privilege,
      configuredNames: ['sales'],
      groups,
      providerName: trivore.displayName,
    });
    expect(named.unavailableReason).toBeUndefined();
    expect(named.among(['g-admin', 'g-sales'])).toEqual(['g-sales']);
  });

  it('names the site and the group in one line for each configured name that matches nothing', () => {
    const privilege = privilegeOf({
      evidence: periscopeV1.capabilities.privilege,
      configuredNames: ['Admins', 'sales', 'Owners'],
      groups,
      providerName: periscopeV1.displayName,
    });
    expect(unmatchedPrivilegedGroupWarnings('acme', privilege.unmatchedNames)).toEqual([
      'Site acme: privileged group "Admins" (audit.privilegedGroups) matches no group on the site, so nobody is found privileged through it.',
      'Site acme: privileged group "Owners" (audit.privilegedGroups) matches no group on the site, so nobody is found privileged through it.',
    ]);
  });
});

describe('the rules on administrators the source flags', () => {
  const lumappsCapabilities = { ...everyCapability, privilege: lumapps.capabilities.privilege };

  it('mfa-missing is high for a flagged administrator', () => {
    const result = auditUsers([healthyUser('boss', { admin: true, mfaEnabled: false })], {
      capabilities: lumappsCapabilities,
      providerName: 'LumApps',
    });
    expect(result.findings).toEqual([
      expect.objectContaining({
        rule: 'mfa-missing',
        severity: 'high',
        detail: 'two-factor authentication is off; LumApps administrator',
      }),
    ]);
  });

  it('privileged-grant fails when the flag turned on, not when a snapshot written before the flag lacked it', () => {
    const result = auditUsers(
      [
        healthyUser('made', { admin: true }),
        healthyUser('old', { admin: true }),
        healthyUser('kept', { admin: true }),
      ],
      {
        capabilities: lumappsCapabilities,
        providerName: 'LumApps',
        previousGroupsOfUser: new Map([
          ['made', []],
          ['old', []],
          ['kept', []],
        ]),
        previousAdminOfUser: new Map([
          ['made', false],
          ['kept', true],
        ]),
      },
    );
    expect(result.findings.map((finding) => [finding.userKey, finding.detail])).toEqual([
      ['made', 'became LumApps administrator since the previous snapshot'],
    ]);
  });

  it('privileged-grant is UNAVAILABLE, with the reason, where nobody can be found privileged', () => {
    const result = auditUsers([healthyUser('ana')], {
      capabilities: { ...everyCapability, privilege: trivore.capabilities.privilege },
      providerName: trivore.displayName,
      previousGroupsOfUser: new Map([['ana', []]]),
    });
    expect(result.rules.find((rule) => rule.rule === 'privileged-grant')).toMatchObject({
      available: false,
      unavailableReason: expect.stringContaining('Trivore'),
    });
  });
});
