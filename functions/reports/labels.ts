import type { AuditRuleId } from '../audit/model.ts';

/**
 * Plain words for the names the code and the files use, so a page for people never shows
 * `mfaEnabled` or `inactiveDays`. A name without a label is shown as it is.
 */
const fieldLabels: Readonly<Record<string, string>> = {
  key: 'key',
  id: 'id',
  email: 'e-mail',
  firstName: 'first name',
  lastName: 'last name',
  status: 'account status',
  groups: 'groups',
  lastLoginAt: 'last login',
  passwordUpdatedAt: 'password last changed',
  mfaEnabled: 'two-factor authentication',
  createdAt: 'created on',
  admin: 'administrator flag',
  name: 'name',
  access: 'access',
  description: 'description',
  memberCount: 'members',
};

const settingLabels: Readonly<Record<string, string>> = {
  inactiveDays: 'Inactive after',
  neverLoggedInGraceDays: 'Never logged in: grace period',
  passwordMaxAgeDays: 'Password older than',
  privilegedGroups: 'Privileged groups (added to the source’s own)',
  massChangeThreshold: 'Mass-change threshold',
  exceptions: 'Exceptions',
};

const ruleTitles: Readonly<Record<AuditRuleId, string>> = {
  'mfa-missing': 'Two-factor authentication off',
  inactive: 'Inactive account',
  'never-logged-in': 'Never logged in',
  'password-stale': 'Password not changed for too long',
  'privileged-grant': 'New administrator',
};

export function fieldLabel(field: string): string {
  return fieldLabels[field] ?? field;
}

export function settingLabel(setting: string): string {
  return settingLabels[setting] ?? setting;
}

export function ruleTitle(rule: AuditRuleId): string {
  return ruleTitles[rule];
}

/**
 * A sentence from the audit with the canonical field names in it ("LumApps does not report
 * lastLoginAt") in plain words ("LumApps does not report last login").
 */
export function inPlainWords(sentence: string): string {
  return sentence.replace(
    /\b(lastLoginAt|passwordUpdatedAt|mfaEnabled|createdAt|firstName|lastName)\b/g,
    (field) => fieldLabel(field),
  );
}
