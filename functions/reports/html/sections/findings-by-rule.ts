import type { AuditRuleId, RuleOutcome, Severity } from '../../../audit/model.ts';
import { severities } from '../../../audit/model.ts';
import type { AuditSettings } from '../../../config/schema.ts';
import { inPlainWords, ruleTitle } from '../../labels.ts';
import type { PrivilegeFound, ReportModel } from '../../report-model.ts';
import { severityBadge } from '../badges.ts';
import { findingsChartSvg } from '../charts/findings-chart.ts';
import { escapeHtml, numberCell } from '../escape.ts';
import { emptyTally, type FindingFigures, type RuleTally } from '../figures.ts';
import { formatCount } from '../format.ts';
import { table } from '../table.ts';

/** What each rule fails on, with the thresholds this audit used. */
function ruleDescription(rule: AuditRuleId, settings: AuditSettings, privilege: PrivilegeFound): string {
  switch (rule) {
    case 'mfa-missing':
      return 'two-factor authentication is off';
    case 'inactive':
      return `last login more than ${formatCount(settings.inactiveDays)} days before the snapshot`;
    case 'never-logged-in':
      return `never logged in, known to the site for more than ${formatCount(settings.neverLoggedInGraceDays)} days`;
    case 'password-stale':
      return `password last changed more than ${formatCount(settings.passwordMaxAgeDays)} days before the snapshot`;
    case 'privileged-grant':
      return `became an administrator since the previous snapshot (administrators here: ${privilege.shownBy}${privilege.groups.length > 0 ? `; groups: ${privilege.groups.join(', ')}` : ''})`;
  }
}

/** Why a rule was not audited, in plain words: a field this source does not provide, or nothing to compare with. */
function notAuditedBecause(reason: string | undefined): string {
  if (reason === undefined) return 'no reason was given';
  const plain = inPlainWords(reason);
  return /does not report/.test(reason)
    ? `${plain}: the field is not provided by this source, so the rule can neither pass nor fail`
    : plain;
}

function ruleSeverity(rule: AuditRuleId): string {
  switch (rule) {
    case 'mfa-missing':
      return `${severityBadge('high')} for an administrator, else ${severityBadge('medium')}`;
    case 'inactive':
    case 'password-stale':
      return severityBadge('medium');
    case 'never-logged-in':
      return severityBadge('low');
    case 'privileged-grant':
      return severityBadge('high');
  }
}

export function findingsByRuleSection(model: ReportModel, figures: FindingFigures): string {
  const settings = model.thresholds;
  const parts: string[] = [
    '<section id="findings-by-rule" aria-labelledby="findings-by-rule-title">',
    '<h2 id="findings-by-rule-title">Findings by rule</h2>',
    '<div class="table-wrap"><table><caption>How each rule went over the whole snapshot (users)</caption><thead><tr>',
    '<th scope="col">Rule</th><th scope="col">Fails when</th><th scope="col">Severity</th>',
    '<th scope="col" class="num">Evaluated</th><th scope="col" class="num">Pass</th><th scope="col" class="num">Fail</th>',
    '<th scope="col" class="num">Unknown</th><th scope="col" class="num">Excepted</th><th scope="col" class="num">Out of scope</th>',
    '</tr></thead><tbody>',
  ];
  for (const rule of model.audit.rules) {
    parts.push(
      `<tr data-rule="${escapeHtml(rule.rule)}"><th scope="row">${escapeHtml(ruleTitle(rule.rule))} <code class="muted">${escapeHtml(rule.rule)}</code></th>`,
      `<td>${escapeHtml(ruleDescription(rule.rule, settings, model.privilege))}</td><td>${ruleSeverity(rule.rule)}</td>`,
    );
    if (!rule.available) {
      parts.push(
        '<td colspan="6" class="unavailable"><strong>Not audited (UNAVAILABLE)</strong> — ',
        escapeHtml(notAuditedBecause(rule.unavailableReason)),
        '</td></tr>',
      );
      continue;
    }
    parts.push(
      numberCell(formatCount(rule.evaluated)),
      numberCell(formatCount(rule.pass)),
      `<td class="num">${failCell(rule, figures.byRule.get(rule.rule))}</td>`,
      numberCell(formatCount(rule.unknown)),
      numberCell(formatCount(rule.excepted)),
      numberCell(formatCount(rule.outOfScope)),
      '</tr>',
    );
  }
  parts.push('</tbody></table></div>');
  parts.push(chartFigure(model.audit.rules, figures));
  parts.push('</section>');
  return parts.join('');
}

/** The rule's FAIL count, with its split by severity when the findings have more than one. */
function failCell(rule: RuleOutcome, tally: RuleTally | undefined): string {
  const total = formatCount(rule.fail);
  if (tally === undefined) return total;
  const present = severities.filter((severity) => tally.failBySeverity[severity] > 0);
  if (present.length < 2) return total;
  const split = present.map((severity) => `${severity} ${formatCount(tally.failBySeverity[severity])}`);
  return `${total} <span class="muted">(${split.join(' · ')})</span>`;
}

function chartFigure(rules: readonly RuleOutcome[], figures: FindingFigures): string {
  const captionId = 'findings-chart-caption';
  const svg = findingsChartSvg(rules, figures, { idPrefix: 'findings-chart', labelledBy: captionId });
  const rows = rules.map((rule) => ({ rule, tally: figures.byRule.get(rule.rule) ?? emptyTally() }));
  const severityColumn = (severity: Severity) => ({
    header: `${severity[0]?.toUpperCase() ?? ''}${severity.slice(1)}`,
    numeric: true,
    cell: (row: (typeof rows)[number]) => numberCell(formatCount(row.tally.failBySeverity[severity])),
  });
  const data = table(
    rows,
    [
      {
        header: 'Rule',
        cell: (row) =>
          `<td><code>${escapeHtml(row.rule.rule)}</code>${row.rule.available ? '' : ' <span class="muted">(unavailable)</span>'}</td>`,
      },
      severityColumn('high'),
      severityColumn('medium'),
      severityColumn('low'),
      { header: 'Unknown', numeric: true, cell: (row) => numberCell(formatCount(row.tally.unknown)) },
      { header: 'Excepted', numeric: true, cell: (row) => numberCell(formatCount(row.tally.excepted)) },
    ],
    {
      caption: 'As charted: FAIL by severity, then UNKNOWN and EXCEPTED',
      empty: 'No rules were run.',
      className: 'chart-table',
    },
  );
  return [
    '<figure class="chart-row">',
    '<div class="chart">',
    svg,
    '</div><div class="chart-data">',
    data,
    `</div><figcaption id="${captionId}">`,
    'Findings by rule: FAIL stacked by severity (high, medium, low), with UNKNOWN and EXCEPTED beside it. ',
    `${formatCount(figures.fail)} FAIL, ${formatCount(figures.unknown)} UNKNOWN, ${formatCount(figures.excepted)} EXCEPTED in all.`,
    '</figcaption></figure>',
  ].join('');
}
