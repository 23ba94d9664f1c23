import { BASELINE_MINIMUM_NIGHTS } from '../../../diff/churn-baseline.ts';
import type { ChurnBaseline, MassChangeVerdict } from '../../../diff/model.ts';
import type { ReportModel } from '../../report-model.ts';
import { escapeHtml } from '../escape.ts';
import type { FindingFigures } from '../figures.ts';
import { formatCount, plural } from '../format.ts';

interface Metric {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  /** `alert` (red), `good` (green), `suspect` (the whole card red). */
  readonly tone?: 'alert' | 'good' | 'suspect';
}

/** The numbers an auditor reads first; each carries a `data-metric` hook for tests. */
export function headlineSection(model: ReportModel, figures: FindingFigures): string {
  const counts = model.evidence.counts;
  const diff = model.diff;
  const metrics: Metric[] = [
    { id: 'users', label: 'Users', value: formatCount(counts.users) },
    { id: 'groups', label: 'Groups', value: formatCount(counts.groups) },
    { id: 'memberships', label: 'Memberships', value: formatCount(counts.memberships) },
    {
      id: 'fail',
      label: 'FAIL findings',
      value: formatCount(figures.fail),
      tone: figures.fail > 0 ? 'alert' : 'good',
    },
    {
      id: 'high',
      label: 'High severity FAILs',
      value: formatCount(figures.highFail),
      tone: figures.highFail > 0 ? 'alert' : 'good',
    },
    { id: 'excepted', label: 'Excepted', value: formatCount(figures.excepted) },
    { id: 'unknown', label: 'Unknown', value: formatCount(figures.unknown) },
    {
      id: 'added',
      label: 'Users added',
      value: diff === undefined ? '—' : formatCount(diff.users.added.total),
    },
    {
      id: 'removed',
      label: 'Users removed',
      value: diff === undefined ? '—' : formatCount(diff.users.removed.total),
    },
    {
      id: 'verdict',
      label: 'Mass-change verdict',
      value: diff === undefined ? '—' : diff.verdict.status,
      tone: diff === undefined ? undefined : diff.verdict.status === 'suspect' ? 'suspect' : 'good',
    },
  ];
  const parts: string[] = [
    '<section id="headline" aria-labelledby="headline-title">',
    '<h2 id="headline-title">Summary</h2>',
    '<dl class="metrics">',
  ];
  for (const metric of metrics) {
    parts.push(
      metric.tone === undefined ? '<div>' : `<div class="${metric.tone}">`,
      '<dt>',
      escapeHtml(metric.label),
      `</dt><dd data-metric="${metric.id}">`,
      escapeHtml(metric.value),
      '</dd></div>',
    );
  }
  parts.push('</dl>');
  parts.push(
    diff === undefined
      ? '<p class="verdict">Changes since the previous snapshot: this is the <strong>first snapshot of this site: nothing to compare with</strong>.</p>'
      : verdictBlock(diff.verdict, diff.fromRunId),
  );
  parts.push('</section>');
  return parts.join('');
}

/** The site's own usual night, when enough nights are known to judge by it. */
function baselineText(baseline: ChurnBaseline | undefined): string {
  if (baseline === undefined) return '';
  if (!baseline.applies)
    return `; the site's usual churn is not judged yet (${plural(baseline.nights, 'earlier complete night')} known, ${BASELINE_MINIMUM_NIGHTS} needed)`;
  return `; this site's usual night over its last ${formatCount(baseline.nights)} complete nights: ${formatCount(baseline.removedUsers.median)} users removed (suspect above ${formatCount(baseline.removedUsers.limit)}), ${formatCount(baseline.lostMemberships.median)} memberships lost (suspect above ${formatCount(baseline.lostMemberships.limit)})`;
}

function verdictBlock(verdict: MassChangeVerdict, fromRunId: string): string {
  const figures =
    `removed users ${formatCount(verdict.removedUsers)} (threshold ${formatCount(verdict.removedUsersThreshold)}), ` +
    `lost memberships ${formatCount(verdict.lostMemberships)} (threshold ${formatCount(verdict.lostMembershipsThreshold)})` +
    baselineText(verdict.baseline);
  if (verdict.status === 'ok') {
    return `<p class="verdict ok">Mass-change check against run <code>${escapeHtml(fromRunId)}</code>: <strong>ok</strong> — ${figures}.</p>`;
  }
  const parts: string[] = [
    '<div class="verdict suspect" role="alert">',
    '<p><strong>SUSPECT mass change</strong> since run <code>',
    escapeHtml(fromRunId),
    '</code>: this may be an accidental mass delete or a truncated export. Check the removals below before trusting this snapshot.</p><ul>',
  ];
  for (const reason of verdict.reasons) parts.push('<li dir="auto">', escapeHtml(reason), '</li>');
  parts.push('</ul><p>', figures, '.</p></div>');
  return parts.join('');
}
