import type { ReportModel } from '../../report-model.ts';
import { escapeHtml } from '../escape.ts';

/** Said before anything else, when there is anything to say: an auditor must not miss it. */
export function warningsSection(model: ReportModel): string {
  if (model.warnings.length === 0) return '';
  const parts: string[] = [
    '<section id="warnings" role="alert" aria-labelledby="warnings-title">',
    '<h2 id="warnings-title">⚠ Read this first</h2><ul>',
  ];
  for (const warning of model.warnings) parts.push('<li dir="auto">', escapeHtml(warning), '</li>');
  parts.push('</ul></section>');
  return parts.join('');
}
