import type { Finding } from '../../../audit/model.ts';
import type { ReportModel } from '../../report-model.ts';
import { escapeHtml, identifierCell } from '../escape.ts';
import { formatCount, plural } from '../format.ts';
import { type Column, table } from '../table.ts';

/** The most rows each list of this section shows; the findings table and findings.csv have the rest. */
export const ATTENTION_ROWS = 200;

/**
 * What needs a person's attention before anything else: new administrators (privileged-grant)
 * and administrators without two-factor (mfa-missing, high) — the high-severity FAILs.
 */
export function attentionSection(model: ReportModel): string {
  const high = model.audit.shown.findings.filter(
    (finding) => finding.severity === 'high' && finding.status === 'FAIL',
  );
  const figures = model.audit.figures;
  const parts: string[] = [
    '<section id="attention" aria-labelledby="attention-title">',
    '<h2 id="attention-title">Needs attention</h2>',
  ];
  if (figures.highFail === 0) {
    parts.push(
      '<p class="empty">No high-severity findings: no new administrators, no administrator without two-factor authentication.</p></section>',
    );
    return parts.join('');
  }
  parts.push(
    `<p class="alert-text">${plural(figures.highFail, 'high-severity FAIL')}: people who gained administrator rights since the previous snapshot, and administrators without two-factor authentication.</p>`,
  );
  for (const [rule, title, id] of [
    ['privileged-grant', 'New administrators', 'attention-grants'],
    ['mfa-missing', 'Administrators without two-factor authentication', 'attention-mfa'],
  ] as const) {
    const rows = high.filter((finding) => finding.rule === rule);
    const total = figures.byRule.get(rule)?.failBySeverity.high ?? 0;
    if (total === 0) continue;
    parts.push(`<h3 id="${id}">${escapeHtml(title)} <span class="muted">(${formatCount(total)})</span></h3>`);
    parts.push(table(rows.slice(0, ATTENTION_ROWS), columns, { empty: 'None listed on this page.' }));
    const listed = Math.min(rows.length, ATTENTION_ROWS);
    if (total > listed)
      parts.push(
        `<p class="more">${formatCount(total - listed)} more not listed here: every one is in <a href="findings.csv">findings.csv</a>.</p>`,
      );
  }
  parts.push('</section>');
  return parts.join('');
}

const columns: Column<Finding>[] = [
  { header: 'User key', cell: (finding) => identifierCell(finding.userKey) },
  { header: 'Email', cell: (finding) => identifierCell(finding.email) },
  { header: 'Detail', cell: (finding) => `<td dir="auto">${escapeHtml(finding.detail)}</td>` },
];
