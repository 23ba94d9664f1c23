import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Finding, RuleOutcome } from '../../functions/audit/model.ts';
import { cspSafeSvg } from '../../functions/reports/html/charts/csp-safe-svg.ts';
import { escapeHtml } from '../../functions/reports/html/escape.ts';
import { renderReportHtml } from '../../functions/reports/html/render-report.ts';
import type { ReportModel } from '../../functions/reports/report-model.ts';
import { findingsReport, hostileEmails, sampleReportModel } from '../support/sample-report-model.ts';

const sectionIds = [
  'warnings',
  'attention',
  'headline',
  'findings-by-rule',
  'history',
  'changes',
  'findings',
  'evidence',
];

/** The HTML of one section, from its opening tag to its closing one (sections do not nest). */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  expect(start, `section #${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start) + '</section>'.length);
}

function metric(html: string, name: string): string | undefined {
  return new RegExp(`<dd data-metric="${name}">([^<]*)</dd>`).exec(html)?.[1];
}

/** Every variant the page has: the sample, a first snapshot, and a suspect one with warnings. */
function variants(): [string, string][] {
  return [
    ['sample', renderReportHtml(sampleReportModel())],
    ['first snapshot', renderReportHtml(firstSnapshot())],
    [
      'suspect with warnings',
      renderReportHtml(sampleReportModel({ suspect: true, warnings: ['incomplete <b>'] })),
    ],
  ];
}

function firstSnapshot(): ReportModel {
  const model = sampleReportModel();
  const rules: RuleOutcome[] = model.audit.rules.map((rule) =>
    rule.rule === 'privileged-grant'
      ? {
          rule: rule.rule,
          available: false,
          unavailableReason: 'there is no earlier complete snapshot to compare with',
          evaluated: 0,
          pass: 0,
          fail: 0,
          unknown: 0,
          excepted: 0,
          outOfScope: 0,
        }
      : rule,
  );
  const findings = model.audit.shown.findings.filter((finding) => finding.rule !== 'privileged-grant');
  return {
    ...model,
    previousRunId: undefined,
    diff: undefined,
    audit: findingsReport(rules, findings),
    history: model.history.slice(-1),
  };
}

describe('report.html: hostile data', () => {
  const html = renderReportHtml(sampleReportModel());

  it('escapes every hostile email so no markup from the data reaches the page', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<h1>owned');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;@evil.example');
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;owned&lt;/h1&gt;@evil.example');
    expect(html).toContain('o&#39;brien&amp;sons@acme.example');
    expect(html).toContain('amp&amp;amp;already-escaped@acme.example');
    for (const email of hostileEmails) expect(html).toContain(escapeHtml(email));
  });

  it('lays user text out on its own direction: user cells carry dir, inline names are <bdi>', () => {
    const findings = section(html, 'findings');
    expect(findings).toContain('<td dir="ltr">مدير.النظام@acme.example</td>');
    expect(findings).toContain('<td dir="auto">two-factor authentication is off</td>');
    expect(section(html, 'changes')).toContain('<bdi>אלכסנדר &quot;Alex&quot; O&#39;Neil</bdi>');
  });

  it('makes control characters and bidi overrides visible instead of letting them act', () => {
    expect(escapeHtml('a\u0000b\u0007c')).toBe('a\u2400b\u2407c');
    expect(escapeHtml('rlo\u202Egnp.exe')).toBe('rlo[U+202E]gnp.exe');
    expect(escapeHtml('iso\u2067x\u2069')).toBe('iso[U+2067]x[U+2069]');
    expect(escapeHtml('tab\tline\nbreak\u200F')).toBe('tab\tline\nbreak\u200F');
    expect(escapeHtml('del\u007F c1\u0085')).toBe('del\u2421 c1\uFFFD');
    expect(escapeHtml('emoji 🙂 שלום')).toBe('emoji 🙂 שלום');
    expect(html).toContain('rlo[U+202E]gnp.exe@acme.example');
    expect(html).toContain('Finance[U+202E] team &amp; &lt;friends&gt;');
    expect(html).not.toContain('\u202E');
    expect(html).not.toContain('\u0000');
  });
});

describe('report.html: Content-Security-Policy', () => {
  it.each(variants())('%s: the CSP meta names the SHA-256 of the one style element', (_name, html) => {
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];
    expect(styles).toHaveLength(1);
    expect(html.match(/<style[\s>]/g)).toHaveLength(1);
    const content = styles[0]?.[1] ?? '';
    const hash = createHash('sha256').update(content, 'utf8').digest('base64');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    expect(csp?.[1]).toBe(`default-src 'none'; style-src 'sha256-${hash}'; img-src data:`);
    expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(html.indexOf('<style>'));
  });

  it.each(variants())(
    '%s: no style attribute, no script, no external resource, only in-page links',
    (_name, html) => {
      // Every `<` of the data is escaped, so whatever starts with `<` and a letter is a real tag.
      const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(100);
      for (const tag of tags) {
        expect(tag).not.toMatch(/\sstyle\s*=/i);
        expect(tag).not.toMatch(/\s(?:src|srcset|action|xlink:href|background|poster|data)\s*=/i);
        expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
        expect(tag).not.toMatch(/https?:|\/\//i);
        expect(tag).not.toMatch(/url\((?!#)/);
      }
      expect(html).not.toMatch(/\sstyle="/);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(?:src|href)="https?:/i);
      const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1]);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href).toMatch(/^#[a-z-]+$/);
    },
  );
});

describe('report.html: sections', () => {
  it('has every section, in order, with the warnings before the header', () => {
    const html = renderReportHtml(sampleReportModel({ warnings: ['x'] }));
    const positions = sectionIds.map((id) => html.indexOf(`<section id="${id}"`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(positions[0]).toBeLessThan(html.indexOf('<header'));
  });

  it('puts a warnings banner at the very top when the model has warnings, and none otherwise', () => {
    const warned = renderReportHtml(
      sampleReportModel({
        warnings: [
          'The snapshot is INCOMPLETE (users listing stopped at page 3 <of 5>); audited because of --allow-incomplete.',
        ],
      }),
    );
    const banner = section(warned, 'warnings');
    expect(banner).toContain('role="alert"');
    expect(banner).toContain('The snapshot is INCOMPLETE (users listing stopped at page 3 &lt;of 5&gt;)');
    expect(warned.indexOf('<section id="warnings"')).toBeLessThan(warned.indexOf('<h1'));
    expect(renderReportHtml(sampleReportModel())).not.toContain('id="warnings"');
  });

  it('shows the headline numbers with thousands separators and hooks for tests', () => {
    const model = sampleReportModel();
    const big = renderReportHtml({
      ...model,
      evidence: { ...model.evidence, counts: { users: 200_000, groups: 1_234, memberships: 1_234_567 } },
    });
    expect(metric(big, 'users')).toBe('200,000');
    expect(metric(big, 'groups')).toBe('1,234');
    expect(metric(big, 'memberships')).toBe('1,234,567');
    const html = renderReportHtml(model);
    const fails = model.audit.shown.findings.filter((finding) => finding.status === 'FAIL');
    expect(metric(html, 'fail')).toBe(String(fails.length));
    expect(metric(html, 'high')).toBe(String(fails.filter((finding) => finding.severity === 'high').length));
    expect(metric(html, 'excepted')).toBe('1');
    expect(metric(html, 'added')).toBe(String(model.diff?.users.added.total));
    expect(metric(html, 'removed')).toBe(String(model.diff?.users.removed.total));
    expect(metric(html, 'verdict')).toBe('ok');
  });

  it('makes a suspect mass change very visible, with its reasons', () => {
    const model = sampleReportModel({ suspect: true });
    const html = renderReportHtml(model);
    expect(model.diff?.verdict.status).toBe('suspect');
    expect(metric(html, 'verdict')).toBe('suspect');
    const headline = section(html, 'headline');
    expect(headline).toContain('<div class="suspect"><dt>Mass-change verdict</dt>');
    expect(headline).toContain('class="verdict suspect" role="alert"');
    for (const reason of model.diff?.verdict.reasons ?? []) expect(headline).toContain(escapeHtml(reason));
    expect(model.diff?.verdict.reasons.length).toBeGreaterThan(0);
  });

  it('says there is nothing to compare with on a first snapshot', () => {
    const html = renderReportHtml(firstSnapshot());
    expect(section(html, 'changes')).toContain('first snapshot of this site: nothing to compare with');
    expect(section(html, 'changes')).not.toContain('<table');
    expect(metric(html, 'added')).toBe('—');
    expect(metric(html, 'removed')).toBe('—');
    expect(metric(html, 'verdict')).toBe('—');
  });

  it('shows an unavailable rule as UNAVAILABLE with its reason, not as passing', () => {
    const byRule = section(renderReportHtml(firstSnapshot()), 'findings-by-rule');
    expect(byRule).toContain(
      '<td colspan="6" class="unavailable"><strong>Not audited (UNAVAILABLE)</strong> — there is no earlier complete snapshot to compare with</td>',
    );
    const row = /<tr data-rule="privileged-grant">[\s\S]*?<\/tr>/.exec(byRule)?.[0] ?? '';
    expect(row).not.toMatch(/class="num"/);
  });

  it('lists every finding with its status, and an expired exception as expired', () => {
    const model = sampleReportModel();
    const findings = section(renderReportHtml(model), 'findings');
    for (const status of ['FAIL', 'UNKNOWN', 'EXCEPTED'] as const) {
      const rows = findings.match(new RegExp(`<tr data-status="${status}">`, 'g')) ?? [];
      expect(rows.length).toBe(
        model.audit.shown.findings.filter((finding) => finding.status === status).length,
      );
      expect(rows.length).toBeGreaterThan(0);
    }
    expect(findings).toContain(
      '<span class="expired">expired 2026-10-31</span>: <bdi>Parental leave &lt;until October&gt;</bdi>',
    );
    expect(findings).toContain('<bdi>API-only account, key rotated monthly</bdi>');
    expect(findings).toContain('until 2027-03-31');
  });

  it('lists every change category of the diff', () => {
    const model = sampleReportModel();
    const changes = section(renderReportHtml(model), 'changes');
    for (const id of [
      'users-added',
      'users-removed',
      'users-changed',
      'groups-added',
      'groups-removed',
      'groups-changed',
      'memberships-gained',
      'memberships-lost',
    ]) {
      expect(changes).toContain(`<h3 id="${id}">`);
    }
    expect(changes).not.toContain('class="empty"');
    expect(changes).toContain('<span class="none">(empty)</span> <span class="muted">→</span>');
    expect(changes).toContain('<span class="none">(absent)</span>');
    expect(changes).toContain('true <span class="muted">→</span> false');
    expect(changes).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows the evidence: manifest, hashes, source counts, files, thresholds and exceptions', () => {
    const model = sampleReportModel();
    const evidence = section(renderReportHtml(model), 'evidence');
    expect(evidence).toContain(escapeHtml(model.evidence.manifestLocation));
    expect(evidence).toContain('<span class="yes">complete</span>');
    for (const file of model.evidence.files) expect(evidence).toContain(file.sha256);
    expect(evidence).toContain('9,120,442 bytes (8.7 MiB)');
    expect(evidence).toContain('not reported');
    expect(evidence).toContain('5 % of the previous snapshot, at least 5 records');
    expect(evidence).toContain('<span class="expired">expired</span>');
    expect(evidence).toContain('<span class="yes">in force</span>');
    const broken = section(
      renderReportHtml({
        ...model,
        evidence: {
          ...model.evidence,
          status: 'incomplete',
          reason: 'users: cursor <repeated>',
          hashesVerified: false,
        },
      }),
      'evidence',
    );
    expect(broken).toContain(
      '<span class="no">incomplete</span> — <bdi>users: cursor &lt;repeated&gt;</bdi>',
    );
    expect(broken).toContain('<span class="no">no</span>');
  });
});

describe('report.html: charts', () => {
  it('draws both charts as inline SVG labelled by their captions, next to the same numbers as a table', () => {
    const html = renderReportHtml(sampleReportModel());
    for (const [id, caption] of [
      ['findings-by-rule', 'findings-chart-caption'],
      ['history', 'history-chart-caption'],
    ] as const) {
      const part = section(html, id);
      expect(part).toContain(`<svg role="img" aria-labelledby="${caption}"`);
      expect(part).toContain(`<figcaption id="${caption}">`);
      expect(part.match(/<figure[\s\S]*<\/figure>/)?.[0]).toMatch(/<svg[\s\S]*<\/svg>[\s\S]*<table/);
      expect(part).not.toMatch(/ecmeta_|zr\d+-|<style|class="zr/);
    }
    expect(section(html, 'history')).toContain('not audited');
  });

  it('renders the same bytes every time (chart ids do not depend on earlier charts)', () => {
    const model = sampleReportModel();
    expect(renderReportHtml(model)).toBe(renderReportHtml(model));
  });

  it("turns ECharts' style attributes into presentation attributes and drops its style element", () => {
    const svg =
      '<svg width="10" height="10" xmlns="http://www.w3.org/2000/svg" version="1.1" baseProfile="full">' +
      '<text dominant-baseline="central" style="font-size:12px;font-family:system-ui, sans-serif;cursor:pointer;" fill="#333" class="zr7-cls-0">a&lt;b</text>' +
      '<g clip-path="url(#zr7-c0)"><path d="M0 0" ecmeta_series_index="0" style="fill:#fff;"/></g>' +
      '<defs ><clipPath id="zr7-c0"><path d="M1 1"/></clipPath></defs>' +
      '<style ><![CDATA[.zr7-cls-0:hover { cursor:pointer; }]]></style></svg>';
    expect(cspSafeSvg(svg, { idPrefix: 'chart', labelledBy: 'cap' })).toBe(
      '<svg role="img" aria-labelledby="cap" focusable="false" width="10" height="10">' +
        '<text dominant-baseline="central" fill="#333" font-size="12px" font-family="system-ui, sans-serif">a&lt;b</text>' +
        '<g clip-path="url(#chart-c0)"><path d="M0 0" fill="#fff"/></g>' +
        '<defs><clipPath id="chart-c0"><path d="M1 1"/></clipPath></defs></svg>',
    );
  });
});

describe('report.html: a large site', () => {
  const model = sampleReportModel();
  const template = model.audit.shown.findings[0] as Finding;
  /** 100,000 findings: medium FAILs and UNKNOWNs of one rule, and 2,500 high-severity grants. */
  const findings: Finding[] = [
    ...Array.from(
      { length: 97_500 },
      (_, index): Finding => ({
        ...template,
        rule: 'inactive',
        severity: 'medium',
        status: index % 10 === 0 ? 'UNKNOWN' : 'FAIL',
        userKey: `user.${String(index).padStart(6, '0')}@acme.example`,
        email: `User.${index}@acme.example`,
      }),
    ),
    ...Array.from(
      { length: 2_500 },
      (_, index): Finding => ({
        ...template,
        rule: 'privileged-grant',
        severity: 'high',
        status: 'FAIL',
        userKey: `admin.${String(index).padStart(6, '0')}@acme.example`,
        email: `Admin.${index}@acme.example`,
      }),
    ),
  ];
  const html = renderReportHtml({ ...model, audit: findingsReport(model.audit.rules, findings) });
  const table = section(html, 'findings');

  it('lists 2,000 findings, the highest severity first, and counts all of them', () => {
    expect(table.match(/<tr data-status="/g)).toHaveLength(2_000);
    expect(metric(html, 'fail')).toBe(String((97_500 - 9_750 + 2_500).toLocaleString('en-US')));
    expect(table).toContain('Findings, highest severity first');
    // Every row listed is a high-severity grant, in key order: they outrank every medium finding.
    const rows =
      table.match(
        /<tr data-status="FAIL"><td>New administrator <code class="muted">privileged-grant<\/code>/g,
      ) ?? [];
    expect(rows).toHaveLength(2_000);
    expect(table).toContain('<td dir="ltr">admin.000000@acme.example</td>');
    expect(table).not.toContain('admin.002000@acme.example');
  });

  it('says how many more there are per rule and severity, and points to findings.csv', () => {
    expect(table).toContain('<a href="findings.csv">findings.csv</a>');
    expect(table).toMatch(/<tr data-more="privileged-grant high">.*?<td class="num">500<\/td>/);
    expect(table).toMatch(/<tr data-more="inactive medium">.*?<td class="num">97,500<\/td>/);
  });

  it('leads with what needs attention: the high-severity findings come before the summary', () => {
    const attention = section(html, 'attention');
    expect(html.indexOf('<section id="attention"')).toBeLessThan(html.indexOf('<section id="headline"'));
    expect(attention).toContain('New administrators');
    expect(attention).toContain('Admin.0@acme.example');
    expect(attention).toContain('more not listed here');
  });

  it('stays small: 100,000 findings make a page of well under a megabyte', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(1_500_000);
  });
});

describe('report.html: what needs attention', () => {
  it('lists administrators without two-factor and new administrators first, and says when there are none', () => {
    const model = sampleReportModel();
    const html = renderReportHtml(model);
    const attention = section(html, 'attention');
    const high = model.audit.shown.findings.filter(
      (finding) => finding.severity === 'high' && finding.status === 'FAIL',
    );
    expect(high.length).toBeGreaterThan(0);
    for (const finding of high) expect(attention).toContain(escapeHtml(finding.email ?? finding.userKey));
    const calm = renderReportHtml({
      ...model,
      audit: findingsReport(
        model.audit.rules,
        model.audit.shown.findings.filter((finding) => finding.severity !== 'high'),
      ),
    });
    expect(section(calm, 'attention')).toContain('Nothing of high severity');
  });
});

describe('report.html: in people’s words', () => {
  const model = sampleReportModel();
  const diff = model.diff;
  if (!diff) throw new Error('the sample model has a diff');
  const removed = { key: 'g-field-ops', name: "Field Ops — O'Brien's team", memberCount: 173 };
  const html = renderReportHtml({
    ...model,
    diff: {
      ...diff,
      groups: { ...diff.groups, removed: [...diff.groups.removed, removed] },
      users: {
        ...diff.users,
        changed: {
          total: diff.users.changed.total + 1,
          first: [
            ...diff.users.changed.first,
            {
              key: 'u-1',
              email: 'ada@acme.example',
              changes: [{ field: 'mfaEnabled', before: true, after: false }],
            },
          ],
        },
      },
    },
  });
  const attention = section(html, 'attention');

  it('leads with new administrators, then administrators without two-factor, then groups removed with members', () => {
    const order = ['attention-grants', 'attention-mfa', 'attention-groups'].map((id) =>
      attention.indexOf(`id="${id}"`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(attention).toContain('Members it had');
    expect(attention).toContain(
      escapeHtml(
        `rollcall restore --site ${model.site} --from ${diff.fromRunId} --group 'g-field-ops' --apply`,
      ),
    );
  });

  it('names each person by name and e-mail', () => {
    const grant = model.audit.shown.findings.find(
      (finding) => finding.rule === 'privileged-grant' && finding.status === 'FAIL',
    );
    expect(grant?.email).toBeDefined();
    expect(attention).toContain(escapeHtml(grant?.email ?? ''));
    expect(attention).toContain('<th scope="col">Name</th><th scope="col">E-mail</th>');
  });

  it('says when it was generated and which site it read', () => {
    const header = html.slice(html.indexOf('<header class="report">'), html.indexOf('</header>'));
    expect(header).toContain('Report generated (UTC)');
    expect(header).toContain('2026-11-22T02:41:07Z');
    expect(header).toContain(escapeHtml(model.origin ?? 'missing'));
  });

  it('never shows the code’s field or setting names', () => {
    for (const name of [
      'mfaEnabled',
      'inactiveDays',
      'lastLoginAt',
      'passwordMaxAgeDays',
      'privilegedGroups',
    ])
      expect(html).not.toContain(name);
    expect(section(html, 'changes')).toContain('two-factor authentication');
  });
});
