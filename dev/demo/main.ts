/**
 * `npm start`: the main job on embedded defaults. Starts the Periscope v1 emulator (about 2,500
 * users, 40 groups) and a local S3-compatible server on free ports, then does what a site's
 * nightly schedule does, twice: exports "yesterday", lets a day of realistic changes happen on
 * the site, then runs "today" (export and audit) with the real `rollcall` CLI through the S3 code
 * path. The reports are copied into a git-ignored folder to open in a browser or a spreadsheet.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { formatHistoryHeadline } from '../../cli/history-output.ts';
import { runCli } from '../../cli/run-cli.ts';
import { siteHistory } from '../../functions/history/site-history.ts';
import { reportFiles, reportRunPrefix } from '../../functions/reports/layout.ts';
import { runIdFor } from '../../functions/snapshot/layout.ts';
import { createStore, s3ClientOptions } from '../../functions/store/create-store.ts';
import type { ObjectStore } from '../../functions/store/port.ts';
import { startPeriscopeV1Emulator } from '../emulators/periscope-v1/index.ts';
import { startLocalS3 } from '../local-s3.ts';
import { applyOvernightChanges } from './overnight-changes.ts';
import { demoAuditSettings, demoSiteOptions } from './scenario.ts';

const root = resolve(import.meta.dirname, '../..');
const demoDir = join(root, '.rollcall', 'demo');
const bucket = 'rollcall-demo';
const site = 'demo';
const credentialsVariable = 'ROLLCALL_DEMO_CREDENTIALS';
const DAY_MS = 24 * 60 * 60 * 1000;
// The SDK warns once per process that Node 20 support ends in 2027; the demo needs no reminder.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Today's and yesterday's 02:00 UTC: the default nightly schedule.
const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 2 * 60 * 60 * 1000);
const yesterday = new Date(today.getTime() - DAY_MS);

// A fresh store every time, so the demo always tells the same two-night story.
await rm(demoDir, { recursive: true, force: true });
await mkdir(demoDir, { recursive: true });
const emulator = await startPeriscopeV1Emulator({
  ...demoSiteOptions,
  referenceDate: yesterday.toISOString(),
});
const s3 = await startLocalS3({ directory: join(demoDir, 's3'), bucket });
try {
  const configPath = join(demoDir, 'rollcall.config.json');
  await writeFile(configPath, `${JSON.stringify(demoConfig(), null, 2)}\n`);
  // This process is a shell like the CLI: it sets the environment the AWS SDK and the
  // credentials source read. The local server accepts any key pair.
  Object.assign(process.env, {
    [credentialsVariable]: JSON.stringify({ site: emulator.site, apiKey: emulator.apiKey }),
    ...s3.env,
  });
  const rollcall = (argv: string[]) =>
    runCli([...argv, '--config', configPath], {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: root,
    });
  say(
    `rollcall demo: Periscope v1 emulator at ${emulator.url} (2,500 users, 40 groups); local S3 at ${s3.endpoint}`,
    '',
    `── Night 1 (${yesterday.toISOString()}): rollcall export`,
    '',
  );
  const first = await rollcall(['export', '--as-of', yesterday.toISOString()]);
  if (first !== 0) throw new Error(`the first export ended with exit code ${first}`);

  const changes = applyOvernightChanges(emulator.state, today);
  say(
    '',
    '── During the day, on the site:',
    `   ${changes.deleted.length} users deleted (e.g. ${changes.deleted[0]})`,
    `   ${changes.added.length} new hires added, not logged in yet`,
    `   made administrators: ${changes.madeAdministrators.join(', ')}`,
    `   group "${changes.removedGroup.name}" removed (${changes.removedGroup.members} members)`,
    `   two-factor switched off: ${changes.twoFactorSwitchedOff.join(', ')}`,
    `   ${changes.loggedIn.length} users logged in`,
    '',
    `── Night 2 (${today.toISOString()}): rollcall run (export, then audit against night 1)`,
    '',
  );
  const second = await rollcall(['run', '--as-of', today.toISOString()]);
  const store = demoStore();
  const copied = await copyReports(store, runIdFor(today));
  const deleted = changes.deleted[0];
  const history = deleted ? await siteHistory(site, { user: deleted }, {}, store) : undefined;
  if (history?.status === 'found') {
    say(
      '── The morning after: rollcall history --user, for one of the deleted users',
      `   ${formatHistoryHeadline(history.history)}`,
      '   (README, "The morning after": history, then a restore plan, then --apply.)',
      '',
    );
  }
  say(
    '── Open the report (one self-contained file; works offline):',
    `   ${copied.html}`,
    `   The auditor's workbook:     ${copied.evidence}`,
    `   Findings for a spreadsheet: ${copied.findings}`,
    `   Changes since night 1:      ${copied.changes}`,
    `   The config the demo used:   ${relative(process.cwd(), configPath)}`,
    '',
  );
  process.exitCode = second;
} finally {
  await Promise.all([emulator.close(), s3.stop()]);
}

/** The demo site, with the demo's audit settings. */
function demoConfig() {
  return {
    store: `s3://${bucket}/archive`,
    sites: [
      {
        id: site,
        provider: 'periscope-v1',
        baseUrl: emulator.url,
        credentials: { env: credentialsVariable },
        audit: demoAuditSettings(emulator.state, today),
      },
    ],
  };
}

/** The demo's archive on the local S3 server, as the CLI reads it. */
function demoStore(): ObjectStore {
  return createStore(`s3://${bucket}/archive`, {
    cwd: root,
    s3Client: new S3Client({
      ...s3ClientOptions(s3.endpoint),
      region: s3.region,
      credentials: s3.credentials,
    }),
  });
}

/** Copies today's reports out of the local S3 server into a plain folder a browser can open. */
async function copyReports(
  store: ObjectStore,
  runId: string,
): Promise<{ html: string; evidence: string; findings: string; changes: string }> {
  const target = join(demoDir, 'report');
  await mkdir(target, { recursive: true });
  const copy = async (name: string) => {
    const bytes = await store.get(`${reportRunPrefix(site, runId)}${name}`);
    if (!bytes) throw new Error(`the demo audit wrote no ${name}`);
    await writeFile(join(target, name), bytes);
    return relative(process.cwd(), join(target, name));
  };
  return {
    html: await copy(reportFiles.html),
    evidence: await copy(reportFiles.evidence),
    findings: await copy(reportFiles.findingsCsv),
    changes: await copy(reportFiles.changesCsv),
  };
}

function say(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}
