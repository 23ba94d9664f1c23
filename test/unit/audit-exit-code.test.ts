import { describe, expect, it } from 'vitest';
import { auditExitCode } from '../../cli/audit-output.ts';
import type { SiteAuditResult } from '../../functions/audit/audit-site.ts';
import type { Summary } from '../../functions/reports/summary.ts';

function audited(fails: { high?: number; medium?: number; low?: number }, verdict?: 'ok' | 'suspect') {
  const summary = {
    findings: { failsBySeverity: { high: 0, medium: 0, low: 0, ...fails } },
    verdict: verdict ? { status: verdict } : null,
  } as unknown as Summary;
  return { site: 's', status: 'audited', runId: 'r', summary, reports: {} } as unknown as SiteAuditResult;
}

describe('the exit code of an audit', () => {
  it('is 3 for a FAIL at or above --fail-on, 0 below it or without --fail-on', () => {
    const medium = [audited({ medium: 2 })];
    expect(auditExitCode(medium, 'high')).toBe(0);
    expect(auditExitCode(medium, 'medium')).toBe(3);
    expect(auditExitCode(medium, 'low')).toBe(3);
    expect(auditExitCode(medium, undefined)).toBe(0);
  });

  it('counts a suspect mass change as high, whatever the findings', () => {
    expect(auditExitCode([audited({}, 'suspect')], 'high')).toBe(3);
    expect(auditExitCode([audited({}, 'ok')], 'low')).toBe(0);
  });

  it('puts nothing-to-audit (2) before a failed site (1) before findings (3)', () => {
    const missing = { site: 'm', status: 'missing', reason: 'no snapshot' } as const;
    const refused = { site: 'r', status: 'refused', runId: 'x', reason: 'incomplete' } as const;
    expect(auditExitCode([audited({ high: 1 }), refused, missing], 'high')).toBe(2);
    expect(auditExitCode([audited({ high: 1 }), refused], 'high')).toBe(1);
  });
});
