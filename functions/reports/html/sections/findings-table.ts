import type { AppliedException, Finding, FindingStatus, Severity } from '../../../audit/model.ts';
import { notShown } from '../../finding-selection.ts';
import { ruleTitle } from '../../labels.ts';
import type { ReportModel } from '../../report-model.ts';
import { severityBadge, statusBadge } from '../badges.ts';
import { escapeHtml } from '../escape.ts';
import type { FindingFigures } from '../figures.ts';
import { formatCount } from '../format.ts';

/**
 * Every FAIL, UNKNOWN and EXCEPTED finding, one row each, in the audit's order. This is the one
 * part of the page that grows with the site (100,000+ rows for a large one): its rows are
 * produced one at a time, as the page is written out, so the whole page never sits in memory.
 */
export function* findingsTableSection(model: ReportModel, figures: FindingFigures): Generator<string> {
  const { findings, capped } = model.audit.shown;
  yield* [
    '<section id="findings" aria-labelledby="findings-title">',
    capped
      ? '<h2 id="findings-title">Findings, highest severity first</h2>'
      : '<h2 id="findings-title">All findings</h2>',
  ];
  if (figures.total === 0) {
    yield '<p class="empty">No findings: every rule that could run passed for every user.</p></section>';
    return;
  }
  yield* [
    `<p>${formatCount(figures.total)} findings: ${formatCount(figures.fail)} FAIL, `,
    `${formatCount(figures.unknown)} UNKNOWN, ${formatCount(figures.excepted)} EXCEPTED. `,
    capped
      ? `This page lists the ${formatCount(findings.length)} of highest severity (FAIL before UNKNOWN before EXCEPTED); every finding is in <a href="findings.csv">findings.csv</a> next to this report.</p>`
      : 'The same rows are in findings.csv next to this report, for filtering.</p>',
    capped ? moreFindings(model, figures) : '',
    '<div class="table-wrap tall"><table class="findings"><thead><tr>',
    '<th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Status</th>',
    '<th scope="col">Name</th><th scope="col">E-mail</th><th scope="col">User key</th><th scope="col">What was found</th><th scope="col">Exception</th>',
    '</tr></thead><tbody>',
  ];
  // The first three cells repeat (five rules × three severities × three statuses): each is built
  // once, and found again without building a key string per row.
  const leadsByRule = new Map<string, (string | undefined)[]>();
  let rule = '';
  let leads: (string | undefined)[] = [];
  for (const finding of findings) {
    if (finding.rule !== rule) {
      rule = finding.rule;
      leads = leadsByRule.get(rule) ?? [];
      leadsByRule.set(rule, leads);
    }
    const slot = severitySlot[finding.severity] + statusSlot[finding.status];
    let lead = leads[slot];
    if (lead === undefined) {
      lead = leadCells(finding);
      leads[slot] = lead;
    }
    const email = finding.email;
    const emailCell =
      email !== undefined && email !== ''
        ? `<td dir="ltr">${escapeHtml(email)}</td>`
        : '<td class="none">—</td>';
    const name = finding.name;
    const nameCell =
      name === undefined ? '<td class="none">—</td>' : `<td dir="auto">${escapeHtml(name)}</td>`;
    yield `${lead}${nameCell}${emailCell}<td dir="ltr">${escapeHtml(finding.userKey)}</td><td dir="auto">${escapeHtml(finding.detail)}</td>${exceptionCell(finding)}</tr>`;
  }
  yield '</tbody></table></div></section>';
}

const severitySlot: Readonly<Record<Severity, number>> = { high: 0, medium: 3, low: 6 };
const statusSlot: Readonly<Record<FindingStatus, number>> = { FAIL: 0, UNKNOWN: 1, EXCEPTED: 2 };

function leadCells(finding: Finding): string {
  return (
    `<tr data-status="${finding.status}"><td>${escapeHtml(ruleTitle(finding.rule))} <code class="muted">${escapeHtml(finding.rule)}</code></td>` +
    `<td>${severityBadge(finding.severity)}</td><td>${statusBadge(finding.status)}</td>`
  );
}

function exceptionCell(finding: Finding): string {
  const exception: AppliedException | undefined = finding.exception;
  if (exception === undefined) return '<td class="none">—</td>';
  const who = `<bdi>${escapeHtml(exception.reason)}</bdi> <span class="muted">(owner <bdi>${escapeHtml(exception.owner)}</bdi>)</span>`;
  if (exception.expired)
    return `<td><span class="expired">expired ${escapeHtml(exception.expires)}</span>: ${who}</td>`;
  return `<td>${who}, until ${escapeHtml(exception.expires)}</td>`;
}

/** How many findings of each rule and severity the page leaves out: all of them are in findings.csv. */
function moreFindings(model: ReportModel, figures: FindingFigures): string {
  const none = { high: 0, medium: 0, low: 0 };
  const more = notShown(
    (rule) => figures.byRule.get(rule)?.allBySeverity ?? none,
    model.audit.shown.findings,
  );
  const parts: string[] = [
    '<div class="table-wrap"><table class="more-findings"><caption>Not listed on this page (see findings.csv)</caption>',
  ];
  parts.push(
    '<thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col" class="num">More findings</th></tr></thead><tbody>',
  );
  for (const { rule, severity, count } of more)
    parts.push(
      `<tr data-more="${rule} ${severity}"><td><code>${escapeHtml(rule)}</code></td><td>${severityBadge(severity)}</td><td class="num">${formatCount(count)}</td></tr>`,
    );
  parts.push('</tbody></table></div>');
  return parts.join('');
}
