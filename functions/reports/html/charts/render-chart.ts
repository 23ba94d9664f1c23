import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { cspSafeSvg } from './csp-safe-svg.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

/**
 * The report's font stack, without quotes: ECharts copies it into SVG attributes unescaped, so a
 * quoted family name would end the attribute early.
 */
export const chartFontFamily =
  'system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif';

export const chartColors = {
  high: '#b42318',
  medium: '#dc6803',
  low: '#eaaa08',
  unknown: '#7a5af8',
  excepted: '#98a2b3',
  users: '#1d4ed8',
  fail: '#b42318',
  text: '#344054',
  axis: '#98a2b3',
  grid: '#eaecf0',
} as const;

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Renders one ECharts option to a static SVG string on the server (no DOM, no canvas), with
 * animation off, and makes it safe for the report's Content-Security-Policy.
 */
export function renderChartSvg(
  option: echarts.EChartsCoreOption,
  size: ChartSize,
  ids: { readonly idPrefix: string; readonly labelledBy: string },
): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: chartFontFamily, color: chartColors.text },
      ...option,
    });
    return cspSafeSvg(chart.renderToSVGString(), ids);
  } finally {
    chart.dispose();
  }
}
