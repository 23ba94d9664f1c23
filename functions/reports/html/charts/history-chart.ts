import type { HistoryPoint } from '../../report-model.ts';
import { formatDay, formatUtc } from '../format.ts';
import { chartColors, renderChartSvg } from './render-chart.ts';

export const historyChartSize = { width: 720, height: 340 } as const;

/** FAIL findings of a history point, or null when that run was never audited. */
export function failsOf(point: HistoryPoint): { readonly fail: number; readonly high: number } | null {
  const bySeverity = point.failsBySeverity;
  if (bySeverity === null) return null;
  return { fail: bySeverity.high + bySeverity.medium + bySeverity.low, high: bySeverity.high };
}

/**
 * Users (left axis) and FAIL findings (right axis) over the site's recent snapshots. A run that
 * was never audited shows its users and leaves a gap in the FAIL lines.
 */
export function historyChartSvg(
  history: readonly HistoryPoint[],
  ids: { readonly idPrefix: string; readonly labelledBy: string },
): string {
  const labels = historyLabels(history);
  const fails = history.map(failsOf);
  const line = { type: 'line', symbolSize: 7, connectNulls: false, lineStyle: { width: 2 } };
  return renderChartSvg(
    {
      legend: { bottom: 0, itemWidth: 18, itemHeight: 10 },
      grid: { left: 64, right: 56, top: 32, bottom: 84 },
      xAxis: {
        type: 'category',
        boundaryGap: history.length < 2,
        axisLabel: { rotate: history.length > 8 ? 45 : 0, hideOverlap: true },
        data: labels,
      },
      yAxis: [
        { type: 'value', name: 'users', minInterval: 1, position: 'left' },
        {
          type: 'value',
          name: 'FAIL findings',
          minInterval: 1,
          position: 'right',
          splitLine: { show: false },
        },
      ],
      series: [
        {
          ...line,
          name: 'users',
          yAxisIndex: 0,
          itemStyle: { color: chartColors.users },
          data: history.map((point) => point.users),
        },
        {
          ...line,
          name: 'FAIL findings',
          yAxisIndex: 1,
          itemStyle: { color: chartColors.fail },
          data: fails.map((point) => (point === null ? '-' : point.fail)),
        },
        {
          ...line,
          name: 'high severity FAIL',
          yAxisIndex: 1,
          itemStyle: { color: chartColors.medium },
          lineStyle: { width: 2, type: 'dashed' },
          data: fails.map((point) => (point === null ? '-' : point.high)),
        },
      ],
    },
    historyChartSize,
    ids,
  );
}

/** Days when every run is on its own day, else day and time (two runs the same day). */
function historyLabels(history: readonly HistoryPoint[]): string[] {
  const days = history.map((point) => formatDay(point.scheduledAt));
  if (new Set(days).size === days.length) return days;
  return history.map((point) => formatUtc(point.scheduledAt).slice(0, 16).replace('T', ' '));
}
