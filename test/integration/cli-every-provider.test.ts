import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_GROUP as TRIVORE_ADMIN_GROUP } from '../../dev/emulators/trivore/data.ts';
import type { UserFields } from '../../functions/shared/model.ts';
import { readLatest, readManifestAt } from '../../functions/snapshot/read-snapshot.ts';
import { FileStore } from '../../functions/store/file-store.ts';
import type { ConformanceSite } from '../conformance/harness.ts';
import { harnesses } from '../conformance/providers/index.ts';
import { runRollcall } from '../support/cli.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** Who administers the emulator's site, from its ground truth: flags, "Admin"-like groups, configured names. */
function expectedAdministrators(
  expected: ReturnType<ConformanceSite['expected']>,
  configured: readonly string[],
): readonly UserFields[] {
  const names = new Set(['administrators', ...configured.map((name) => name.toLowerCase())]);
  const adminGroups = new Set(
    expected.groups
      .filter((group) => group.admin === true || names.has(group.name.toLowerCase()))
      .map((group) => group.key),
  );
  return expected.users.filter(
    (user) => user.admin === true || user.groups.some((key) => adminGroups.has(key)),
  );
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(harnesses.map((harness) => [harness.adapter.id, harness] as const))(
  'rollcall export and audit with a config that names %s',
  (provider, harness) => {
    it('exports the emulator completely from the CLI and audits it, saying which rules it cannot judge', async () => {
      const site: ConformanceSite = await harness.start({ users: harness.pageSize + 9, groups: 3 });
      cleanups.push(() => site.close());
      const temp = await makeTempDir(`cli-${provider}`);
      cleanups.push(() => temp.remove());
      // Trivore's listings carry no roles: its administrators' group is named in the config. The
      // second name exists nowhere and must be said to match nothing.
      const privilegedGroups = [...(provider === 'trivore' ? [TRIVORE_ADMIN_GROUP] : []), 'Site Owners'];
      const config = {
        store: 'file://./backups',
        sites: [
          {
            id: 'acme',
            provider,
            baseUrl: site.baseUrl,
            credentials: { env: 'ACME' },
            audit: { privilegedGroups },
          },
        ],
      };
      await writeFile(join(temp.path, 'rollcall.config.json'), JSON.stringify(config));
      const env = { ACME: JSON.stringify(site.credentials) };

      const exported = await runRollcall(['export', '--as-of', '2026-11-22T02:00:00Z'], {
        cwd: temp.path,
        env,
      });
      const audited = await runRollcall(['audit', '--json'], { cwd: temp.path, env });

      expect(exported.code, exported.stderr).toBe(0);
      const store = new FileStore(join(temp.path, 'backups'));
      const latest = await readLatest(store, 'acme');
      const manifest = latest && (await readManifestAt(store, latest.key));
      const expected = site.expected();
      expect(manifest).toMatchObject({
        provider,
        status: 'complete',
        counts: { users: expected.users.length, groups: expected.groups.length },
      });
      expect(audited.code, audited.stderr).toBe(0);
      const [result] = JSON.parse(audited.stdout).sites;
      const unavailable = result.summary.rules
        .filter((rule: { available: boolean }) => !rule.available)
        .map(
          (rule: { rule: string; unavailableReason: string }) => `${rule.rule}: ${rule.unavailableReason}`,
        );
      const capabilities = harness.adapter.capabilities;
      const missing = [
        ...(capabilities.mfa ? [] : ['mfa-missing']),
        ...(capabilities.lastLogin ? [] : ['inactive', 'never-logged-in']),
        ...(capabilities.passwordUpdated ? [] : ['password-stale']),
        // A first snapshot has nothing to compare with.
        'privileged-grant',
      ];
      expect(unavailable.map((line: string) => line.slice(0, line.indexOf(':'))).sort()).toEqual(
        missing.sort(),
      );
      for (const line of unavailable.filter((entry: string) => !entry.startsWith('privileged-grant')))
        expect(line).toContain(`${harness.adapter.displayName} does not report`);
      // People read the same reasons under the findings table.
      const text = await runRollcall(['audit'], { cwd: temp.path, env });
      for (const line of unavailable) expect(text.stdout).toContain(`UNAVAILABLE  ${line}`);

      // The administrators the emulator seeded are found, and those without two-factor are high.
      const administrators = expectedAdministrators(expected, privilegedGroups);
      expect(administrators.length).toBeGreaterThan(0);
      expect(result.summary.privilege).toMatchObject({ administrators: administrators.length });
      if (capabilities.mfa) {
        const withoutMfa = administrators.filter((user) => user.mfaEnabled !== true).length;
        expect(withoutMfa).toBeGreaterThan(0);
        expect(result.summary.findings.failsByRule['mfa-missing'].high).toBe(withoutMfa);
      }
      const warning =
        'Site acme: privileged group "Site Owners" (audit.privilegedGroups) matches no group on the site, so nobody is found privileged through it.';
      expect(result.summary.warnings).toEqual([warning]);
      expect(text.stdout).toContain(`WARNING: ${warning}`);
      const report = await readFile(result.reports.html.replace(/^file:\/\//, ''), 'utf8');
      expect(report).toContain('matches no group on the site');
      const validated = await runRollcall(['validate'], { cwd: temp.path, env });
      expect(validated.code, validated.stderr).toBe(0);
      expect(validated.stdout).toContain(`WARNING: ${warning}`);
    });
  },
);
