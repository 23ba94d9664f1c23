import type { ReportModel } from '../../report-model.ts';
import { escapeHtml } from '../escape.ts';
import { timeHtml } from '../format.ts';
import { definitions } from '../table.ts';

export const sectionLinks: readonly (readonly [id: string, label: string])[] = [
  ['attention', 'Needs attention'],
  ['headline', 'Summary'],
  ['findings-by-rule', 'Findings by rule'],
  ['history', 'Recent snapshots'],
  ['changes', 'Changes'],
  ['findings', 'All findings'],
  ['evidence', 'Evidence'],
];

export function reportHeader(model: ReportModel): string {
  const parts: string[] = [
    '<header class="report">',
    '<p class="kicker">Access review evidence</p>',
    `<h1>rollcall access report — <bdi>${escapeHtml(model.site)}</bdi></h1>`,
    definitions([
      [
        'Provider',
        `${escapeHtml(model.providerName)} <span class="muted">(<code>${escapeHtml(model.provider)}</code>)</span>`,
      ],
      [
        'Site address',
        model.origin === undefined
          ? '<span class="none">not recorded by this snapshot</span>'
          : `<bdi>${escapeHtml(model.origin)}</bdi>`,
      ],
      ['Run', `<code>${escapeHtml(model.runId)}</code>`],
      ['Snapshot taken (UTC)', timeHtml(model.scheduledAt)],
      ['Report generated (UTC)', timeHtml(model.generatedAt)],
      [
        'Compared with',
        model.previousRunId === undefined
          ? '<span class="none">nothing: first snapshot of this site</span>'
          : `<code>${escapeHtml(model.previousRunId)}</code>`,
      ],
      ['Written by', `${escapeHtml(model.tool.name)} ${escapeHtml(model.tool.version)}`],
    ]),
    '<nav class="sections" aria-label="Sections">',
  ];
  for (const [id, label] of sectionLinks) parts.push(`<a href="#${id}">${escapeHtml(label)}</a>`);
  parts.push('</nav></header>');
  return parts.join('');
}
