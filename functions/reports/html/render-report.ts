import type { ReportModel } from '../report-model.ts';
import { escapeHtml } from './escape.ts';
import { attentionSection } from './sections/attention.ts';
import { changesSection } from './sections/changes.ts';
import { evidenceSection } from './sections/evidence.ts';
import { findingsByRuleSection } from './sections/findings-by-rule.ts';
import { findingsTableSection } from './sections/findings-table.ts';
import { reportHeader } from './sections/header.ts';
import { headlineSection } from './sections/headline.ts';
import { historySection } from './sections/history.ts';
import { warningsSection } from './sections/warnings.ts';
import { reportStyles, reportStylesHash } from './styles.ts';

/**
 * The report's Content-Security-Policy: nothing may load (no script, font, frame or fetch), the
 * only style is the page's own hashed `<style>` element, images only from `data:` URLs.
 */
export const reportContentSecurityPolicy = `default-src 'none'; style-src ${reportStylesHash}; img-src data:`;

/**
 * report.html: one self-contained HTML5 page for people (a compliance auditor on an offline
 * laptop). Pure: no I/O, no clock; the same model always renders the same string. No script at
 * all, no external resource, no `style` attribute (the CSP above would block one).
 */
export function renderReportHtml(model: ReportModel): string {
  return [...reportHtmlChunks(model)].join('');
}

/** The page in order, piece by piece: a large site's page is written out without being held whole. */
export function* reportHtmlChunks(model: ReportModel): Generator<string> {
  const figures = model.audit.figures;
  yield* [
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${reportContentSecurityPolicy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<meta name="generator" content="${escapeHtml(`${model.tool.name} ${model.tool.version}`)}">`,
    `<title>rollcall access report — ${escapeHtml(model.site)} — ${escapeHtml(model.runId)}</title>`,
    `<style>${reportStyles}</style>`,
    '</head><body>',
    warningsSection(model),
    reportHeader(model),
    '<main>',
    attentionSection(model),
    headlineSection(model, figures),
    findingsByRuleSection(model, figures),
    historySection(model),
    changesSection(model),
  ];
  yield* findingsTableSection(model, figures);
  yield* [
    evidenceSection(model),
    '</main>',
    `<footer class="report">Written by ${escapeHtml(model.tool.name)} ${escapeHtml(model.tool.version)} for run `,
    `<code>${escapeHtml(model.runId)}</code> of site <bdi>${escapeHtml(model.site)}</bdi>. `,
    'This page is self-contained: it loads nothing and runs no script.</footer>',
    '</body></html>\n',
  ];
}
