import { join } from 'node:path';
import { auditSite, type SiteAuditResult } from '../../functions/audit/audit-site.ts';
import { type SiteConfig, siteSchema } from '../../functions/config/schema.ts';
import { evidenceWriter } from '../../functions/evidence/write-evidence.ts';
import type { ExportTarget, ProviderExport } from '../../functions/shared/export-model.ts';
import { type CanonicalGroup, type CanonicalUser, compareKeys } from '../../functions/shared/model.ts';
import { runIdFor } from '../../functions/snapshot/layout.ts';
import { writeSnapshot } from '../../functions/snapshot/write-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';

/**
 * Two nights of a site whose data tries every way to break a spreadsheet: 16-digit ids (LumApps'),
 * names that read as formulas, `;` and tabs, quotes and new lines, right-to-left text and emoji,
 * a value longer than a screen. Written with the real snapshot writer and audited with the real
 * audit, into a file:// store.
 */
export const HOSTILE_SITE = 'hostile';
export const NIGHT_1 = new Date('2026-11-21T02:00:00Z');
export const NIGHT_2 = new Date('2026-11-22T02:00:00Z');
export const HOSTILE_RUN = runIdFor(NIGHT_2);

const LONG = `long ${'x'.repeat(3000)} end`;

const HOSTILE_GROUP_NAMES = [
  'Administrators',
  '=HYPERLINK("http://evil.example","click")',
  'R&D; Ops\tTeam',
  'Ventes, "Europe"',
  '营销 👩‍💻',
];

/** 16-digit ids, as LumApps gives them: a spreadsheet that reads them as numbers loses the last digit. */
const id = (n: number) => String(4000432187555800 + n);

export function hostileGroups(): CanonicalGroup[] {
  return HOSTILE_GROUP_NAMES.map((name, index) => ({
    key: id(90 + index),
    id: id(90 + index),
    name,
    description: index === 2 ? LONG : `-${name}`,
    memberCount: 0,
    raw: {},
  })).sort((a, b) => compareKeys(a.key, b.key));
}

const FIRST_NAMES = [
  '=1+1',
  '+33 6 12 34 56 78',
  '-Ann',
  '@SUM(A1)',
  'Zoë; Ann',
  'Tab\there',
  'שלום',
  'Line\nbreak',
];

export function hostileUsers(night: 1 | 2): CanonicalUser[] {
  const groups = hostileGroups().map((group) => group.key);
  const users: CanonicalUser[] = [];
  for (let n = 0; n < 24; n++) {
    // The second night drops user 0 and adds user 24: a change on each side.
    const number = night === 2 && n === 0 ? 24 : n;
    users.push({
      key: id(number),
      id: id(number),
      email: number % 5 === 4 ? `-${number}+x@acme.example` : `user${number}@acme.example`,
      firstName: FIRST_NAMES[number % FIRST_NAMES.length] as string,
      lastName: number === 3 ? LONG : `Nom ${number}, "quoted"`,
      status: number % 7 === 6 ? 'disabled' : 'active',
      groups: [groups[number % groups.length] as string, ...(number % 3 === 0 ? [groups[0] as string] : [])],
      lastLoginAt:
        number % 4 === 1 ? null : `2026-11-${String(10 + (number % 9)).padStart(2, '0')}T08:15:30Z`,
      passwordUpdatedAt: '2026-06-01T00:00:00Z',
      mfaEnabled: number % 2 === 0,
      createdAt: '2025-01-02T03:04:05Z',
      // LumApps marks an administrator on the user record.
      ...(number === 7 ? { admin: true } : {}),
      raw: { id: id(number) },
    });
  }
  return users;
}

export const hostileSiteConfig: SiteConfig = siteSchema.parse({
  id: HOSTILE_SITE,
  provider: 'lumapps',
  baseUrl: 'https://sites.lumapps.example',
  credentials: { env: 'UNUSED' },
  audit: {
    privilegedGroups: ['Administrators'],
    exceptions: [
      {
        user: id(2),
        rule: 'mfa-missing',
        reason: '=service; account',
        owner: 'it@acme.example',
        expires: '2027-01-01',
      },
    ],
  },
});

/** Writes both nights and audits the second, writing evidence.xlsx with sheets of `rowLimit` rows. */
export async function writeHostileRun(
  directory: string,
  rowLimit?: number,
): Promise<{
  readonly store: FileStore;
  readonly audit: SiteAuditResult;
}> {
  const store = new FileStore(join(directory, 'store'));
  for (const [night, scheduledAt] of [
    [1, NIGHT_1],
    [2, NIGHT_2],
  ] as const) {
    const users = hostileUsers(night);
    await writeSnapshot({
      store,
      site: HOSTILE_SITE,
      provider: 'lumapps',
      providerName: 'LumApps',
      capabilities: {
        lastLogin: true,
        mfa: true,
        passwordUpdated: true,
        createdAt: true,
        status: true,
        // As LumApps shows administrators: a flag on the user (one hostile user has it).
        privilege: {
          shownBy: "the user record's admin flag",
          groupNames: [],
          groupFlag: false,
          userFlag: true,
        },
      },
      origin: 'LumApps site "acme; =evil" at https://sites.lumapps.example',
      runId: runIdFor(scheduledAt),
      scheduledAt,
      startedAt: new Date(scheduledAt.getTime() + 5_000),
      clock: { now: () => new Date(scheduledAt.getTime() + 65_000) },
      toolVersion: '0.1.0-test',
      spill: { directory: join(directory, 'spill'), memoryBudgetBytes: 1024 * 1024 },
      exportInto: async (target: ExportTarget): Promise<ProviderExport> => {
        const sink = target.openUsers();
        await sink.add(users);
        const summary = await sink.close();
        const groups = hostileGroups().map((group) => ({
          ...group,
          memberCount: summary.membersByGroup.get(group.key) ?? 0,
        }));
        const report = (records: number) => ({
          pages: 1,
          reportedTotal: records,
          uniqueRecords: records,
          duplicatesDropped: 0,
          retries: 0,
          complete: true,
        });
        return {
          users: summary,
          groups,
          listings: { users: report(summary.uniqueUsers), groups: report(groups.length) },
        };
      },
    });
  }
  const clock = { now: () => new Date(NIGHT_2.getTime() + 600_000) };
  const audit = await auditSite(
    hostileSiteConfig,
    { runId: HOSTILE_RUN },
    {
      store,
      toolVersion: '0.1.0-test',
      spillDirectory: join(directory, 'spill'),
      writeEvidence: evidenceWriter(store, '0.1.0-test', clock, rowLimit === undefined ? {} : { rowLimit }),
    },
  );
  return { store, audit };
}
