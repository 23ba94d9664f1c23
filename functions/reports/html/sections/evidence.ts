import type { AuditSettings } from '../../../config/schema.ts';
import type { ManifestFile } from '../../../snapshot/manifest.ts';
import { settingLabel } from '../../labels.ts';
import type { ReportModel } from '../../report-model.ts';
import { yesNo } from '../badges.ts';
import { cell, escapeHtml, identifierCell, numberCell, userCell } from '../escape.ts';
import { formatBytes, formatCount, formatPercent, timeHtml } from '../format.ts';
import { type Column, definitions, table } from '../table.ts';

type Evidence = ReportModel['evidence'];
type Listing = readonly [name: string, source: Evidence['source'][string]];
type AuditException = AuditSettings['exceptions'][number];

/** Proof that the snapshot is complete and untampered, and the settings the audit used. */
export function evidenceSection(model: ReportModel): string {
  const evidence = model.evidence;
  const status =
    evidence.status === 'complete'
      ? '<span class="yes">complete</span>'
      : `<span class="no">incomplete</span>${evidence.reason === undefined ? '' : ` — <bdi>${escapeHtml(evidence.reason)}</bdi>`}`;
  return [
    '<section id="evidence" aria-labelledby="evidence-title">',
    '<h2 id="evidence-title">Evidence</h2>',
    '<h3>Snapshot</h3>',
    definitions([
      ['Manifest', `<code dir="ltr">${escapeHtml(evidence.manifestLocation)}</code>`, 'wide'],
      ['Status', status],
      ['Hashes verified (every file re-read against its SHA-256 and size)', yesNo(evidence.hashesVerified)],
      ['Export started (UTC)', timeHtml(evidence.startedAt)],
      ['Export finished (UTC)', timeHtml(evidence.finishedAt)],
      ['Snapshot written by', `rollcall ${escapeHtml(evidence.snapshotToolVersion)}`],
      [
        'Records',
        `${formatCount(evidence.counts.users)} users, ${formatCount(evidence.counts.groups)} groups, ${formatCount(evidence.counts.memberships)} memberships`,
      ],
    ]),
    '<h3>Source counts against the API</h3>',
    table(Object.entries(evidence.source), listingColumns, {
      caption: "Each listing's pages, the total the API reported, and what was kept",
      empty: 'The manifest records no listings.',
    }),
    '<h3>Files</h3>',
    table(evidence.files, fileColumns, {
      caption: 'Files of the snapshot, as hashed when written',
      empty: 'No files.',
    }),
    '<h3>Thresholds used</h3>',
    thresholds(model.thresholds),
    '<h3>Exceptions</h3>',
    table(model.thresholds.exceptions, exceptionColumns(model.scheduledAt), {
      caption: 'Exceptions configured for this site, as of the scheduled time',
      empty: 'No exceptions are configured.',
    }),
    '</section>',
  ].join('');
}

const listingColumns: Column<Listing>[] = [
  { header: 'Listing', cell: ([name]) => `<td><code>${escapeHtml(name)}</code></td>` },
  { header: 'Pages', numeric: true, cell: ([, source]) => numberCell(formatCount(source.pages)) },
  {
    header: 'Reported total',
    numeric: true,
    cell: ([, source]) =>
      source.reportedTotal === null
        ? '<td class="num none">not reported</td>'
        : numberCell(formatCount(source.reportedTotal)),
  },
  {
    header: 'Unique records',
    numeric: true,
    cell: ([, source]) => numberCell(formatCount(source.uniqueRecords)),
  },
  {
    header: 'Duplicates dropped',
    numeric: true,
    cell: ([, source]) => numberCell(formatCount(source.duplicatesDropped)),
  },
  { header: 'Retries', numeric: true, cell: ([, source]) => numberCell(formatCount(source.retries)) },
  {
    header: 'Complete',
    cell: ([, source]) =>
      `<td>${yesNo(source.complete)}${source.reason === undefined ? '' : ` — <bdi>${escapeHtml(source.reason)}</bdi>`}</td>`,
  },
];

const fileColumns: Column<ManifestFile>[] = [
  { header: 'File', cell: (file) => `<td><code>${escapeHtml(file.name)}</code></td>` },
  { header: 'SHA-256', cell: (file) => `<td><code class="hash">${escapeHtml(file.sha256)}</code></td>` },
  { header: 'Size', numeric: true, cell: (file) => numberCell(formatBytes(file.bytes)) },
  { header: 'Records', numeric: true, cell: (file) => numberCell(formatCount(file.records)) },
];

function thresholds(settings: AuditSettings): string {
  const mass = settings.massChangeThreshold;
  return definitions([
    [settingLabel('inactiveDays'), `${formatCount(settings.inactiveDays)} days without a login`],
    [settingLabel('neverLoggedInGraceDays'), `${formatCount(settings.neverLoggedInGraceDays)} days`],
    [settingLabel('passwordMaxAgeDays'), `${formatCount(settings.passwordMaxAgeDays)} days`],
    [
      settingLabel('privilegedGroups'),
      settings.privilegedGroups.length === 0
        ? '<span class="none">none</span>'
        : settings.privilegedGroups.map((group) => `<bdi>${escapeHtml(group)}</bdi>`).join(', '),
    ],
    [
      settingLabel('massChangeThreshold'),
      `${escapeHtml(formatPercent(mass.percent))} of the previous snapshot, at least ${formatCount(mass.minimum)} records`,
    ],
  ]);
}

/** An exception holds through the end of its `expires` day (UTC). */
function exceptionColumns(scheduledAt: string): Column<AuditException>[] {
  const at = Date.parse(scheduledAt);
  const expired = (exception: AuditException) =>
    Date.parse(`${exception.expires}T00:00:00Z`) + 86_400_000 <= at;
  return [
    { header: 'User', cell: (exception) => identifierCell(exception.user) },
    { header: 'Rule', cell: (exception) => `<td><code>${escapeHtml(exception.rule)}</code></td>` },
    { header: 'Reason', cell: (exception) => userCell(exception.reason) },
    { header: 'Owner', cell: (exception) => identifierCell(exception.owner) },
    { header: 'Expires', cell: (exception) => cell(exception.expires) },
    {
      header: 'At this run',
      cell: (exception) =>
        expired(exception)
          ? '<td><span class="expired">expired</span></td>'
          : '<td><span class="yes">in force</span></td>',
    },
  ];
}
