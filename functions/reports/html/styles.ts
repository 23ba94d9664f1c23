import { createHash } from 'node:crypto';

/**
 * The report's only stylesheet. It sits in the page's single `<style>` element, whose SHA-256 the
 * Content-Security-Policy names: nothing else may style the page (no `style` attributes).
 */
export const reportStyles = `
:root {
  color-scheme: light;
  --text: #101828; --muted: #475467; --line: #d0d5dd; --soft: #f2f4f7; --page: #ffffff;
  --accent: #1d4ed8; --high: #b42318; --medium: #b54708; --low: #8a6c00;
  --unknown: #6941c6; --excepted: #475467; --ok: #067647;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--page); color: var(--text); font: 15px/1.5 var(--font); }
body { margin: 0 auto; max-width: 1280px; padding: 0 24px 48px; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 24px 0 8px; }
h2 { font-size: 1.25rem; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
p { margin: 8px 0; }
code, .mono { font-family: var(--mono); font-size: 0.92em; }
code.hash { word-break: break-all; }
td code, th code { white-space: nowrap; }
a { color: var(--accent); }
bdi, td[dir] { white-space: pre-wrap; overflow-wrap: anywhere; }
.none, .empty { color: var(--muted); }
.muted { color: var(--muted); }

#warnings { margin: 16px 0 0; padding: 14px 18px; border: 3px solid var(--high); border-radius: 8px; background: #fef3f2; color: #7a271a; }
#warnings h2 { margin: 0 0 6px; padding: 0; border: 0; color: var(--high); font-size: 1.3rem; }
#warnings ul { margin: 0; padding-left: 20px; font-weight: 600; }

header.report { border-bottom: 1px solid var(--line); padding-bottom: 12px; }
header.report .kicker { margin: 12px 0 0; color: var(--muted); font-size: 0.85rem; letter-spacing: 0.04em; text-transform: uppercase; }
header.report h1 { margin: 4px 0 6px; }
header.report dl.facts { gap: 2px 24px; }
nav.sections { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 10px; font-size: 0.9rem; }

dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 6px 24px; margin: 8px 0; }
dl.facts div { min-width: 0; }
dl.facts div.wide { grid-column: 1 / -1; }
dl.facts dt { color: var(--muted); font-size: 0.8rem; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }

dl.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; margin: 8px 0 0; }
dl.metrics div { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--soft); }
dl.metrics dt { color: var(--muted); font-size: 0.8rem; }
dl.metrics dd { margin: 2px 0 0; font-size: 1.7rem; font-weight: 700; font-variant-numeric: tabular-nums; }
dl.metrics div.alert { border-color: var(--high); background: #fef3f2; }
dl.metrics div.alert dd { color: var(--high); }
dl.metrics div.good dd { color: var(--ok); }
dl.metrics div.suspect { border: 3px solid var(--high); background: var(--high); }
dl.metrics div.suspect dt, dl.metrics div.suspect dd { color: #ffffff; text-transform: uppercase; }

#attention h2 { margin-top: 10px; padding-bottom: 4px; }
#attention h3 { margin: 8px 0 4px; }
#attention .table-wrap { margin: 4px 0 8px; }
ul.attention-counts { display: flex; flex-wrap: wrap; gap: 4px 24px; margin: 0 0 4px; padding: 0; list-style: none; }
ul.attention-counts strong { color: var(--high); }
code.command { white-space: pre-wrap; overflow-wrap: anywhere; user-select: all; }
details.more-rows { margin: 0 0 8px; }
details.more-rows summary { cursor: pointer; color: var(--accent); }

.verdict { margin: 16px 0 0; padding: 12px 16px; border-radius: 8px; border: 1px solid var(--line); }
.verdict.suspect { border: 3px solid var(--high); background: #fef3f2; color: #7a271a; }
.verdict.suspect strong { color: var(--high); font-size: 1.1rem; }
.verdict.ok { border-color: #abefc6; background: #ecfdf3; }
.verdict ul { margin: 6px 0 0; padding-left: 20px; }

.table-wrap { overflow-x: auto; margin: 8px 0 16px; border: 1px solid var(--line); border-radius: 6px; }
.table-wrap.tall { max-height: 75vh; overflow: auto; }
table { border-collapse: separate; border-spacing: 0; width: 100%; font-size: 0.88rem; }
caption { caption-side: top; text-align: left; padding: 6px 10px; font-weight: 600; background: var(--soft); border-bottom: 1px solid var(--line); }
th, td { padding: 5px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--soft); }
thead th { position: sticky; top: 0; z-index: 1; background: #e4e7ec; border-bottom: 1px solid var(--line); white-space: nowrap; }
tbody tr:nth-child(even) { background: #fcfcfd; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.unavailable { color: var(--muted); font-style: italic; }

.sev, .status { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 0.78rem; font-weight: 700; letter-spacing: 0.02em; white-space: nowrap; }
.sev-high { color: #ffffff; background: var(--high); }
.sev-medium { color: #ffffff; background: var(--medium); }
.sev-low { color: #3d2e00; background: #fde272; }
.status-FAIL { color: var(--high); border: 1px solid var(--high); }
.status-UNKNOWN { color: var(--unknown); border: 1px solid var(--unknown); }
.status-EXCEPTED { color: var(--excepted); border: 1px solid var(--excepted); }
.expired { color: var(--high); font-weight: 600; }
.yes { color: var(--ok); font-weight: 600; }
.no { color: var(--high); font-weight: 600; }

.chart-row { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; margin: 0; }
.chart-row .chart { flex: 1 1 560px; min-width: 0; }
.chart-row .chart svg { display: block; width: 100%; max-width: 720px; height: auto; }
.chart-row .chart-data { flex: 1 1 380px; min-width: 0; }
.chart-row figcaption { flex: 1 1 100%; }
.chart-row .chart-data .table-wrap { margin-top: 0; }
figcaption { color: var(--muted); font-size: 0.88rem; margin-top: 4px; }

footer.report { margin-top: 48px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }

@media print {
  html { font-size: 11px; }
  body { max-width: none; padding: 0; }
  nav.sections { display: none; }
  .table-wrap, .table-wrap.tall { max-height: none; overflow: visible; border: 0; }
  thead th { position: static; }
  thead { display: table-header-group; }
  tr, figure, dl.metrics div, .verdict { break-inside: avoid; }
  h2 { break-after: avoid; }
  #warnings, dl.metrics div.suspect, .sev, .status { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

/** `'sha256-…'` of the style element's exact content, for the page's Content-Security-Policy. */
export const reportStylesHash = `'sha256-${createHash('sha256').update(reportStyles, 'utf8').digest('base64')}'`;
