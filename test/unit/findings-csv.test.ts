import { describe, expect, it } from 'vitest';
import type { Finding } from '../../functions/audit/model.ts';
import { describeException, findingCsvLines } from '../../functions/reports/findings-csv.ts';
import { csvLine } from '../../functions/snapshot/csv.ts';

const findings: Finding[] = [
  { rule: 'mfa-missing', severity: 'high', status: 'FAIL', userKey: 'a@x', email: 'a@x', detail: 'no MFA' },
  {
    rule: 'inactive',
    severity: 'medium',
    status: 'UNKNOWN',
    userKey: '=cmd|x',
    detail: 'never, "quoted"\r\nline',
  },
  {
    rule: 'password-stale',
    severity: 'low',
    status: 'EXCEPTED',
    userKey: '+b@x',
    email: '@b, "B"',
    detail: 'password 400 days old',
    exception: { reason: 'API key, "rotated"', owner: '-it@x', expires: '2027-01-31', expired: false },
  },
];

describe('findings.csv lines', () => {
  it('are csvLine of each finding row, cells shared by many lines included', () => {
    for (const [site, runId] of [
      ['acme', '20261122T020000Z'],
      ['=site, "x"', '@run'],
    ] as const) {
      const line = findingCsvLines(site, runId);
      for (const finding of [...findings, ...findings])
        expect(line(finding)).toBe(
          csvLine([
            site,
            runId,
            finding.rule,
            finding.severity,
            finding.status,
            finding.userKey,
            finding.email,
            finding.detail,
            finding.exception ? describeException(finding.exception) : undefined,
          ]),
        );
    }
  });
});
