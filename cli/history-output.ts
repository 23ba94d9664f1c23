import type { FieldValue } from '../functions/diff/model.ts';
import type {
  GroupHistory,
  GroupRecordFields,
  HistoryChange,
  HistoryEvent,
  MemberRef,
  UserHistory,
  UserRecordFields,
} from '../functions/history/model.ts';
import { describeRead } from '../functions/history/site-history.ts';
import { datePartitionOf } from '../functions/snapshot/layout.ts';
import { formatCount } from './format.ts';
import type { CliIo } from './io.ts';

/** Human output stays within this many columns (long details wrap under their column). */
const WIDTH = 100;
/** Members named on one event line, and in the last known record, before "and N more". */
const MEMBERS_SHOWN = 5;
const LAST_KNOWN_MEMBERS_SHOWN = 20;

const eventLabels: Record<HistoryEvent<unknown>['kind'], string> = {
  'first-seen': 'first seen',
  changed: 'changed',
  gone: 'gone',
  reappeared: 'back',
  incomplete: 'incomplete',
  unreadable: 'unreadable',
};
const LABEL_WIDTH = Math.max(...Object.values(eventLabels).map((label) => label.length));

/**
 * The timeline for people: a heading, one line per event (run id, what happened), the last known
 * record, then what was read and any notes.
 */
export function printHistory(io: CliIo, history: UserHistory | GroupHistory): void {
  const out: string[] = [];
  const what = 'user' in history.subject ? `user ${history.subject.user}` : `group ${history.subject.group}`;
  out.push(`rollcall history · site ${history.site} · ${what}`, '');
  let state: 'unseen' | 'present' | 'gone' = 'unseen';
  for (const event of history.events) {
    const label = eventLabels[event.kind].padEnd(LABEL_WIDTH);
    const details = describeEvent(history, event, state);
    out.push(...wrap(`${event.runId}  ${label}  `, details));
    if (event.kind === 'first-seen' || event.kind === 'reappeared') state = 'present';
    if (event.kind === 'gone') state = 'gone';
  }
  out.push('');
  const { lastKnown } = history;
  const heading = history.present
    ? `Latest record (run ${lastKnown.runId}${lastKnown.incomplete ? ', an incomplete snapshot' : ''}):`
    : `Last known record (run ${lastKnown.runId}${lastKnown.incomplete ? ', an incomplete snapshot' : ''}; gone since ${history.goneSince}):`;
  out.push(heading);
  const rows =
    'user' in history.subject
      ? userRows(history as UserHistory)
      : groupRows((history as GroupHistory).lastKnown.record, (history as GroupHistory).lastKnown.members);
  const fieldWidth = Math.max(...rows.map(([field]) => field.length));
  for (const [field, value] of rows) out.push(...wrap(`  ${field.padEnd(fieldWidth)}  `, value));
  out.push('');
  out.push(...wrap('', `Read ${describeRead(history)}.`));
  out.push(...wrap('', `Files read: ${describeReads(history)}.`));
  for (const run of history.incompleteRuns) out.push(...wrap('', `Incomplete ${run.runId}: ${run.reason}`));
  for (const run of history.unreadableRuns) out.push(...wrap('', `Unreadable ${run.runId}: ${run.reason}`));
  for (const note of history.notes) out.push(...wrap('', `Note: ${note}`));
  io.stdout.write(`${out.join('\n')}\n`);
}

/**
 * One line for a demo or a notification:
 * `jane@acme.com: first seen 2026-11-18, gone since 20261122T020000Z (last seen 20261121T020000Z), was in Administrators, Sales`.
 */
export function formatHistoryHeadline(history: UserHistory | GroupHistory): string {
  const firstSeen = `first seen ${datePartitionOf(history.firstSeen)}`;
  const when = history.present
    ? `last seen ${history.lastSeen}`
    : `gone since ${history.goneSince} (last seen ${history.lastSeen})`;
  if ('user' in history.subject) {
    const { record } = (history as UserHistory).lastKnown;
    const groups = record.groups.map((key) => groupName(history, key));
    const membership =
      groups.length === 0 ? 'in no group' : `${history.present ? 'in' : 'was in'} ${groups.join(', ')}`;
    return `${record.email ?? record.key}: ${firstSeen}, ${when}, ${membership}`;
  }
  const { record, members } = (history as GroupHistory).lastKnown;
  const count = members?.length ?? record.memberCount;
  return `${record.name}: ${firstSeen}, ${when}, ${history.present ? 'has' : 'had'} ${plural(count, 'member')}`;
}

function describeEvent(
  history: UserHistory | GroupHistory,
  event: HistoryEvent<UserRecordFields | GroupRecordFields>,
  state: 'unseen' | 'present' | 'gone',
): string {
  const mark = 'incomplete' in event && event.incomplete ? ' [incomplete snapshot]' : '';
  switch (event.kind) {
    case 'first-seen':
      return `${describeRecord(history, event.record)}${mark}`;
    case 'changed':
      return `${describeChanges(history, event.changes)}${mark}`;
    case 'gone':
      return `not in this complete snapshot; last seen ${event.lastSeen}`;
    case 'reappeared': {
      const changes =
        event.changes.length > 0 ? `; since then: ${describeChanges(history, event.changes)}` : '';
      return `${describeRecord(history, event.record)}; was gone since ${event.goneSince} (last seen ${event.lastSeen})${changes}${mark}`;
    }
    case 'incomplete':
      if (event.present) return 'in this (incomplete) snapshot, unchanged';
      return state === 'present'
        ? 'not in this (incomplete) snapshot; not taken as removed'
        : 'not in this (incomplete) snapshot';
    case 'unreadable':
      return `could not be read, proves nothing: ${event.reason}`;
  }
}

function describeRecord(
  history: UserHistory | GroupHistory,
  record: UserRecordFields | GroupRecordFields,
): string {
  if ('groups' in record) {
    const name = [record.firstName, record.lastName].filter((part) => part).join(' ');
    const status = record.status === 'unknown' ? '' : ` ${record.status}`;
    const groups = record.groups.map((key) => groupName(history, key));
    return `${record.email ?? record.key}${name ? ` (${name})` : ''}${status}, groups: ${groups.length > 0 ? groups.join(', ') : '(none)'}`;
  }
  const access = record.access === undefined ? '' : `, access ${record.access}`;
  const description = record.description ? `, "${record.description}"` : '';
  return `${record.name}${access}, ${plural(record.memberCount, 'member')}${description}`;
}

function describeChanges(history: UserHistory | GroupHistory, changes: readonly HistoryChange[]): string {
  return changes.map((change) => describeChange(history, change)).join('; ');
}

function describeChange(history: UserHistory | GroupHistory, change: HistoryChange): string {
  if ('added' in change) {
    const parts = [
      ...(change.added.length > 0
        ? [`added to ${change.added.map((key) => groupName(history, key)).join(', ')}`]
        : []),
      ...(change.removed.length > 0
        ? [`removed from ${change.removed.map((key) => groupName(history, key)).join(', ')}`]
        : []),
    ];
    return parts.join('; ');
  }
  if ('joined' in change) {
    const side = (sign: string, refs: readonly MemberRef[]) =>
      refs.length === 0 ? [] : [`${sign}${formatCount(refs.length)} (${namedMembers(refs, MEMBERS_SHOWN)})`];
    return `members ${[...side('+', change.joined), ...side('−', change.left)].join(', ')}`;
  }
  const label = fieldLabels[change.field] ?? change.field;
  if (change.field === 'passwordUpdatedAt' && typeof change.after === 'string')
    return `password changed (${change.after})`;
  return `${label} ${formatValue(change.field, change.before)} → ${formatValue(change.field, change.after)}`;
}

const fieldLabels: Record<string, string> = {
  key: 'key',
  id: 'id',
  email: 'e-mail',
  firstName: 'first name',
  lastName: 'last name',
  status: 'status',
  passwordUpdatedAt: 'password changed',
  mfaEnabled: 'MFA',
  createdAt: 'created',
  name: 'name',
  access: 'access',
  description: 'description',
  memberCount: 'member count',
};

function formatValue(field: string, value: FieldValue | number): string {
  if (value === undefined) return '(absent)';
  if (value === null) return field === 'mfaEnabled' ? '(unknown)' : '(empty)';
  if (typeof value === 'boolean') return field === 'mfaEnabled' ? (value ? 'on' : 'off') : String(value);
  if (typeof value === 'number') return formatCount(value);
  return value === '' || /\s/.test(value) ? JSON.stringify(value) : value;
}

function userRows(history: UserHistory): [string, string][] {
  const record = history.lastKnown.record;
  const rows: [string, string][] = [['key', record.key]];
  if (record.id !== undefined) rows.push(['id', record.id]);
  if (record.email !== undefined) rows.push(['e-mail', record.email]);
  const name = [record.firstName, record.lastName].filter((part) => part).join(' ');
  if (name) rows.push(['name', name]);
  rows.push(['status', record.status]);
  const groups = record.groups.map((key) => groupName(history, key));
  rows.push(['groups', groups.length > 0 ? groups.join(', ') : '(none)']);
  const when = (value: string | null | undefined, never: string) =>
    value === undefined ? undefined : value === null ? never : value;
  const optional: [string, string | undefined][] = [
    ['last login', when(record.lastLoginAt, 'never')],
    ['password changed', when(record.passwordUpdatedAt, 'never')],
    [
      'MFA',
      record.mfaEnabled === undefined
        ? undefined
        : record.mfaEnabled === null
          ? 'unknown'
          : record.mfaEnabled
            ? 'on'
            : 'off',
    ],
    ['created', when(record.createdAt, 'unknown')],
  ];
  for (const [field, value] of optional) if (value !== undefined) rows.push([field, value]);
  return rows;
}

function groupRows(record: GroupRecordFields, members: readonly MemberRef[] | undefined): [string, string][] {
  const rows: [string, string][] = [['key', record.key]];
  if (record.id !== undefined) rows.push(['id', record.id]);
  rows.push(['name', record.name]);
  if (record.access !== undefined) rows.push(['access', record.access]);
  if (record.description !== undefined) rows.push(['description', record.description]);
  rows.push(['member count', formatCount(record.memberCount)]);
  if (members) {
    const more = members.length > LAST_KNOWN_MEMBERS_SHOWN ? ' (--json lists all)' : '';
    rows.push([
      'members',
      members.length === 0 ? '(none)' : `${namedMembers(members, LAST_KNOWN_MEMBERS_SHOWN)}${more}`,
    ]);
  }
  return rows;
}

function describeReads(history: UserHistory | GroupHistory): string {
  const { read } = history;
  if ('user' in history.subject) {
    const names =
      read.groupsFilesForNames > 0
        ? [`${plural(read.groupsFilesForNames, 'groups file')} (for group names)`]
        : [];
    return [plural(read.manifests, 'manifest'), plural(read.usersFiles, 'users file'), ...names].join(', ');
  }
  const members =
    read.usersFiles > 0
      ? `${plural(read.usersFiles, 'users file')} (complete runs only, for members)`
      : 'no users files (members not read)';
  return [plural(read.manifests, 'manifest'), plural(read.groupsFiles, 'groups file'), members].join(', ');
}

function groupName(history: UserHistory | GroupHistory, key: string): string {
  return history.groupNames[key] ?? key;
}

function namedMembers(refs: readonly MemberRef[], shown: number): string {
  const names = refs.slice(0, shown).map((ref) => ref.email ?? ref.key);
  const more = refs.length > shown ? ` and ${formatCount(refs.length - shown)} more` : '';
  return `${names.join(', ')}${more}`;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * `prefix` then `text`, broken at spaces so no line passes WIDTH; continuation lines are indented
 * to where `text` starts. A word longer than the room left stays whole.
 */
function wrap(prefix: string, text: string): string[] {
  const indent = ' '.repeat(prefix.length);
  const room = Math.max(20, WIDTH - prefix.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((content, index) => `${index === 0 ? prefix : indent}${content}`.trimEnd());
}
