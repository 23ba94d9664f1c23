import type { GroupFields, UserFields } from '../shared/model.ts';
import type { StoredFinding } from './stored-reports.ts';
import type { SheetColumn, WorkbookCell } from './workbook-stream.ts';

/** The sheets of evidence.xlsx, in the order they appear, with their columns. */
export const evidenceSheets = {
  extraction: 'Extraction',
  needsAttention: 'Needs attention',
  findings: 'Findings',
  users: 'Users',
  groups: 'Groups',
  memberships: 'Memberships',
  changes: 'Changes',
  accessReview: 'Access review',
} as const;

const col = (header: string, width: number): SheetColumn => ({ header, width });

export const extractionColumns = [
  col('Section', 16),
  col('Item', 30),
  col('Value', 40),
  col('Count', 12),
  col('Reported by the API', 20),
  col('Bytes', 14),
  col('SHA-256', 66),
];

export const findingColumns = [
  col('Severity', 10),
  col('Status', 10),
  col('Rule', 22),
  col('User key', 30),
  col('E-mail', 32),
  col('Detail', 60),
  col('Exception', 40),
];

export const userColumns = [
  col('Key', 30),
  col('Id', 20),
  col('Name', 28),
  col('E-mail', 32),
  col('Status', 10),
  col('Groups', 40),
  col('Group keys', 40),
  col('Last login (UTC)', 20),
  col('Password set (UTC)', 20),
  col('MFA', 8),
  col('Created (UTC)', 20),
];

export const groupColumns = [
  col('Key', 30),
  col('Id', 20),
  col('Name', 30),
  col('Access', 14),
  col('Description', 40),
  col('Members', 10),
  col('Privileged', 10),
];

export const membershipColumns = [
  col('User key', 30),
  col('Group key', 30),
  col('User e-mail', 32),
  col('Group name', 30),
];

export const changeColumns = [
  col('Change', 18),
  col('User key', 30),
  col('E-mail', 32),
  col('Group key', 30),
  col('Group name', 30),
  col('Field', 20),
  col('Before', 30),
  col('After', 30),
];

export const accessReviewColumns = [
  col('User key', 30),
  col('Name', 28),
  col('E-mail', 32),
  col('Status', 10),
  col('Group key', 30),
  col('Group name', 30),
  col('Last login (UTC)', 20),
  col('MFA', 8),
  col('Decision (keep / revoke)', 16),
  col('Justification', 40),
  col('Reviewer', 24),
  col('Reviewed on', 14),
];

/** "Ada Lovelace", or undefined when the source has neither name. */
export function fullName(user: UserFields): string | undefined {
  const name = [user.firstName, user.lastName].filter((part) => part !== undefined && part !== '').join(' ');
  return name === '' ? undefined : name;
}

/** A snapshot timestamp (ISO-8601 UTC) as a real date; anything else stays as written. */
export function timestamp(value: string | null | undefined): WorkbookCell {
  if (value === null || value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date;
}

export function findingRow(finding: StoredFinding): WorkbookCell[] {
  const { exception } = finding;
  return [
    finding.severity,
    finding.status,
    finding.rule,
    finding.userKey,
    finding.email,
    finding.detail,
    exception === undefined
      ? undefined
      : `${exception.expired ? 'expired' : 'until'} ${exception.expires}: ${exception.reason} (owner ${exception.owner})`,
  ];
}

export function userRow(user: UserFields, nameOf: (groupKey: string) => string): WorkbookCell[] {
  return [
    user.key,
    user.id,
    fullName(user),
    user.email,
    user.status,
    user.groups.map(nameOf).join('; '),
    user.groups.join('; '),
    timestamp(user.lastLoginAt),
    timestamp(user.passwordUpdatedAt),
    user.mfaEnabled,
    timestamp(user.createdAt),
  ];
}

export function groupRow(group: GroupFields, privileged: boolean): WorkbookCell[] {
  return [group.key, group.id, group.name, group.access, group.description, group.memberCount, privileged];
}

/** changes.csv's columns after site and the two run ids, which the Extraction sheet states once. */
export function changeRow(csvRow: readonly string[]): WorkbookCell[] {
  return csvRow.slice(3).map((cell) => (cell === '' ? undefined : cell));
}

/** `groupKey` is undefined for a user the source itself marks an administrator. */
export function accessReviewRow(
  user: UserFields,
  groupKey: string | undefined,
  groupName: string,
): WorkbookCell[] {
  return [
    user.key,
    fullName(user),
    user.email,
    user.status,
    groupKey,
    groupName,
    timestamp(user.lastLoginAt),
    user.mfaEnabled,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
}
