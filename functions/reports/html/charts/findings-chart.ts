import type { RuleOutcome, Severity } from '../../../audit/model.ts';
import { emptyTally, type FindingFigures } from '../figures.ts';
import { chartColors, renderChartSvg } from './render-chart.ts';

export const findingsChartSize = { width: 720, height: 340 } as const;

/**
 * Findings by rule: FAIL stacked by severity, with UNKNOWN and EXCEPTED as bars of their own
 * beside it, one category per rule (an unavailable rule is shown, marked, with nothing in it).
 */
export function findingsChartSvg(
  rules: readonly RuleOutcome[],
  figures: FindingFigures,
  ids: { readonly idPrefix: string; readonly labelledBy: string },
): string {
  const tallies = rules.map((rule) => figures.byRule.get(rule.rule) ?? emptyTally());
  const failSeries = (severity: Severity) => ({
    type: 'bar',
    name: `FAIL ${severity}`,
    stack: 'fail',
    barMaxWidth: 36,
    itemStyle: { color: chartColors[severity] },
    data: tallies.map((tally) => tally.failBySeverity[severity]),
  });
  return renderChartSvg(
    {
      legend: { bottom: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 48, right: 16, top: 24, bottom: 72 },
      xAxis: {
        type: 'category',
        axisLabel: { interval: 0, lineHeight: 14 },
        axisTick: { alignWithLabel: true },
        data: rules.map((rule) => (rule.available ? rule.rule : `${rule.rule}\n(unavailable)`)),
      },
      yAxis: { type: 'value', name: 'findings', minInterval: 1 },
      series: [
        failSeries('high'),
        failSeries('medium'),
        failSeries('low'),
        {
          type: 'bar',
          name: 'UNKNOWN',
          stack: 'unknown',
          barMaxWidth: 36,
          itemStyle: { color: chartColors.unknown },
          data: tallies.map((tally) => tally.unknown),
        },
        {
          type: 'bar',
          name: 'EXCEPTED',
          stack: 'excepted',
          barMaxWidth: 36,
          itemStyle: { color: chartColors.excepted },
          data: tallies.map((tally) => tally.excepted),
        },
      ],
    },
    findingsChartSize,
    ids,
  );
}
