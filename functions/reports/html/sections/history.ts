import type { HistoryPoint, ReportModel } from '../../report-model.ts';
import { failsOf, historyChartSvg } from '../charts/history-chart.ts';
import { escapeHtml, numberCell } from '../escape.ts';
import { formatCount, plural } from '../format.ts';
import { table } from '../table.ts';

/** Users and FAIL findings over the site's recent snapshots: a chart and the same numbers as a table. */
export function historySection(model: ReportModel): string {
  const history = model.history;
  const parts: string[] = [
    '<section id="history" aria-labelledby="history-title">',
    '<h2 id="history-title">Recent snapshots</h2>',
  ];
  if (history.length === 0) {
    parts.push('<p class="empty">No snapshots of this site to chart yet.</p></section>');
    return parts.join('');
  }
  const captionId = 'history-chart-caption';
  const notAudited = history.filter((point) => point.failsBySeverity === null).length;
  const data = table(
    [...history].reverse(),
    [
      {
        header: 'Run',
        cell: (point: HistoryPoint) =>
          `<td><code>${escapeHtml(point.runId)}</code>${point.runId === model.runId ? ' <span class="muted">(this run)</span>' : ''}</td>`,
      },
      { header: 'Users', numeric: true, cell: (point) => numberCell(formatCount(point.users)) },
      {
        header: 'FAIL',
        numeric: true,
        cell: (point) => {
          const fails = failsOf(point);
          return fails === null
            ? '<td class="num none" title="no audit report (summary.json) was written for this run">not audited</td>'
            : numberCell(formatCount(fails.fail));
        },
      },
      {
        header: 'High FAIL',
        numeric: true,
        cell: (point) => {
          const fails = failsOf(point);
          return fails === null ? '<td class="num none">—</td>' : numberCell(formatCount(fails.high));
        },
      },
    ],
    { caption: 'Recent snapshots, newest first', empty: 'No snapshots.', className: 'chart-table' },
  );
  parts.push(
    '<figure class="chart-row"><div class="chart">',
    historyChartSvg(history, { idPrefix: 'history-chart', labelledBy: captionId }),
    '</div><div class="chart-data">',
    data,
    `</div><figcaption id="${captionId}">`,
    `Users (left axis) and FAIL findings (right axis) over the last ${plural(history.length, 'snapshot')} of this site, oldest first.`,
    notAudited > 0
      ? ` ${plural(notAudited, 'run was', 'runs were')} never audited: only users are shown for them.`
      : '',
    '</figcaption></figure></section>',
  );
  return parts.join('');
}
