import type { Finding } from '../../../audit/model.ts';
import { type RemovedGroupWithMembers, removedGroupsWithMembers } from '../../accidental-changes.ts';
import type { ReportModel } from '../../report-model.ts';
import { escapeHtml, identifierCell, userCell } from '../escape.ts';
import { formatCount } from '../format.ts';
import { type Column, table } from '../table.ts';

/** The most rows each list of this section shows; the findings table and findings.csv have the rest. */
export const ATTENTION_ROWS = 200;
/** Rows shown before a list folds the rest away, so every list starts on the first screen. */
export const ATTENTION_OPEN_ROWS = 3;

interface AttentionList {
  readonly id: string;
  readonly title: string;
  /** The count line's words for one: "new administrator". */
  readonly one: string;
  readonly many: string;
  /** How many there are in all (the page may list fewer). */
  readonly total: number;
  /** The table of rows `from` (inclusive) to `to` (exclusive). */
  readonly html: (from: number, to: number) => string;
  readonly listed: number;
}

/**
 * What needs a person's attention before anything else, in this order: people who became
 * administrators since the previous snapshot, administrators without two-factor authentication,
 * and groups removed while they had members (with the command that restores them). Each list
 * shows its first rows; the rest fold away under a line that says how many there are.
 */
export function attentionSection(model: ReportModel): string {
  const high = model.audit.shown.findings.filter(
    (finding) => finding.severity === 'high' && finding.status === 'FAIL',
  );
  const highOf = (rule: Finding['rule']) => high.filter((finding) => finding.rule === rule);
  const figures = model.audit.figures;
  const grants = highOf('privileged-grant');
  const noMfa = highOf('mfa-missing');
  const removed = model.diff ? removedGroupsWithMembers(model.site, model.diff) : [];
  const lists: AttentionList[] = [
    {
      id: 'attention-grants',
      title: 'New administrators',
      one: 'new administrator',
      many: 'new administrators',
      total: figures.byRule.get('privileged-grant')?.failBySeverity.high ?? 0,
      listed: Math.min(grants.length, ATTENTION_ROWS),
      html: (from, to) =>
        table(grants.slice(from, to), personColumns, { empty: 'None listed on this page.' }),
    },
    {
      id: 'attention-mfa',
      title: 'Administrators without two-factor authentication',
      one: 'administrator without two-factor authentication',
      many: 'administrators without two-factor authentication',
      total: figures.byRule.get('mfa-missing')?.failBySeverity.high ?? 0,
      listed: Math.min(noMfa.length, ATTENTION_ROWS),
      html: (from, to) => table(noMfa.slice(from, to), personColumns, { empty: 'None listed on this page.' }),
    },
    {
      id: 'attention-groups',
      title: 'Groups removed with their members',
      one: 'group removed with its members',
      many: 'groups removed with their members',
      total: removed.length,
      listed: removed.length,
      html: (from, to) => table(removed.slice(from, to), groupColumns, { empty: 'None.' }),
    },
  ];
  const parts: string[] = [
    '<section id="attention" aria-labelledby="attention-title">',
    '<h2 id="attention-title">Needs attention</h2>',
  ];
  const present = lists.filter((list) => list.total > 0);
  if (present.length === 0) {
    parts.push(
      '<p class="empty">Nothing of high severity: no new administrators, no administrator without two-factor authentication, no group removed with its members.</p></section>',
    );
    return parts.join('');
  }
  parts.push('<ul class="attention-counts">');
  for (const list of present)
    parts.push(
      `<li><a href="#${list.id}"><strong>${formatCount(list.total)}</strong> ${escapeHtml(list.total === 1 ? list.one : list.many)}</a></li>`,
    );
  parts.push('</ul>');
  for (const list of present) parts.push(listHtml(list));
  parts.push('</section>');
  return parts.join('');
}

function listHtml(list: AttentionList): string {
  const parts: string[] = [
    `<h3 id="${list.id}">${escapeHtml(list.title)} <span class="muted">(${formatCount(list.total)})</span></h3>`,
    list.html(0, Math.min(list.listed, ATTENTION_OPEN_ROWS)),
  ];
  if (list.listed > ATTENTION_OPEN_ROWS) {
    // <details> folds without script; the rows shown above are not repeated inside.
    parts.push(
      `<details class="more-rows"><summary>${formatCount(list.listed - ATTENTION_OPEN_ROWS)} more</summary>`,
      list.html(ATTENTION_OPEN_ROWS, list.listed),
      '</details>',
    );
  }
  if (list.total > list.listed)
    parts.push(
      `<p class="more">${formatCount(list.total - list.listed)} more not listed here: every one is in <a href="findings.csv">findings.csv</a>.</p>`,
    );
  return parts.join('');
}

const personColumns: Column<Finding>[] = [
  { header: 'Name', cell: (finding) => userCell(finding.name) },
  { header: 'E-mail', cell: (finding) => identifierCell(finding.email ?? finding.userKey) },
  { header: 'What was found', cell: (finding) => `<td dir="auto">${escapeHtml(finding.detail)}</td>` },
];

const groupColumns: Column<RemovedGroupWithMembers>[] = [
  { header: 'Group', cell: (change) => userCell(change.groupName) },
  {
    header: 'Members it had',
    numeric: true,
    cell: (change) => `<td class="num">${formatCount(change.members)}</td>`,
  },
  {
    header: 'Restore it and its members',
    cell: (change) => `<td><code class="command">${escapeHtml(change.restoreCommand)}</code></td>`,
  },
];
