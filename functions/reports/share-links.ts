import { describeRuns } from '../audit/run-messages.ts';
import type { Clock } from '../shared/clock.ts';
import { listRuns } from '../snapshot/list-runs.ts';
import type { LinkSharingStore } from '../store/port.ts';
import { reportFiles, reportRunPrefix, siteReportsPrefix } from './layout.ts';

/** The longest a SigV4 presigned URL may live: 7 days. */
export const MAX_LINK_SECONDS = 7 * 86_400;

/** The report files a link is made for, in the order people open them: the page first. */
export const SHARED_REPORT_FILES = [
  reportFiles.html,
  reportFiles.evidence,
  reportFiles.findingsCsv,
  reportFiles.changesCsv,
  reportFiles.findingsJson,
  reportFiles.diffJson,
  reportFiles.summary,
] as const;

/** How many audited runs a "no reports" message lists. */
const RUNS_LISTED = 5;

export interface ShareRequest {
  readonly site: string;
  /** A run id such as 20261122T020000Z, or `latest`: the newest run whose audit finished. */
  readonly run: string;
  readonly expiresInSeconds: number;
}

export interface SharedLink {
  readonly name: string;
  readonly bytes: number;
  readonly url: string;
}

export type ShareResult =
  | {
      readonly status: 'shared';
      readonly site: string;
      readonly runId: string;
      /** When the links stop working, UTC, to the second. */
      readonly expiresAt: string;
      /** Present when the signing credentials are temporary: the links stop working then at the latest. */
      readonly credentialsExpireAt?: string;
      readonly links: readonly SharedLink[];
    }
  /** There are no reports to share: the reason says which run and how to write them (exit 2). */
  | { readonly status: 'missing'; readonly site: string; readonly reason: string };

/**
 * Time-limited download links for the report files of one audited run, for people who have no
 * access to the store. Only files that exist get a link; signing happens locally, so nothing is
 * read but the listing of the run's report folder.
 */
export async function shareReportLinks(
  store: LinkSharingStore,
  request: ShareRequest,
  clock: Clock,
): Promise<ShareResult> {
  const { site, expiresInSeconds } = request;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS)
    throw new RangeError(`a link must live from 1 second to ${MAX_LINK_SECONDS} seconds (7 days)`);

  const audited = request.run === 'latest' ? await auditedRuns(store, site) : undefined;
  const runId = request.run === 'latest' ? audited?.at(-1) : request.run;
  if (runId === undefined) {
    const where = store.locate(siteReportsPrefix(site).slice(0, -1));
    return {
      status: 'missing',
      site,
      reason: `site ${site} has no audited run in ${where}: audit one first with "rollcall audit --site ${site}".`,
    };
  }

  const prefix = reportRunPrefix(site, runId);
  const found = new Map<string, number>();
  for await (const object of store.listObjects(prefix))
    found.set(object.key.slice(prefix.length), object.bytes);
  const present = SHARED_REPORT_FILES.filter((name) => found.has(name));
  if (present.length === 0)
    return { status: 'missing', site, reason: await noReportsReason(store, site, runId, audited) };

  // SigV4 dates have whole seconds: the link expires exactly expiresInSeconds after this.
  const signedAt = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
  const expiresAt = new Date(signedAt.getTime() + expiresInSeconds * 1000);
  const links = await Promise.all(
    present.map(async (name) => ({
      name,
      bytes: found.get(name) ?? 0,
      url: await store.presignGet(`${prefix}${name}`, {
        expiresInSeconds,
        signedAt,
        contentDisposition: dispositionOf(site, runId, name),
      }),
    })),
  );
  const credentialsExpireAt = await store.signingCredentialsExpireAt();
  return {
    status: 'shared',
    site,
    runId,
    expiresAt: isoSeconds(expiresAt),
    ...(credentialsExpireAt === undefined ? {} : { credentialsExpireAt: isoSeconds(credentialsExpireAt) }),
    links,
  };
}

/** The site's runs whose audit finished (summary.json is written last), oldest first. */
async function auditedRuns(store: LinkSharingStore, site: string): Promise<string[]> {
  const summary = new RegExp(`^date=\\d{4}-\\d{2}-\\d{2}/run=(\\d{8}T\\d{6}Z)/${reportFiles.summary}$`);
  const prefix = siteReportsPrefix(site);
  const runs: string[] = [];
  for await (const key of store.list(prefix)) {
    const runId = summary.exec(key.slice(prefix.length))?.[1];
    if (runId) runs.push(runId);
  }
  return runs.sort();
}

async function noReportsReason(
  store: LinkSharingStore,
  site: string,
  runId: string,
  audited: readonly string[] | undefined,
): Promise<string> {
  const where = store.locate(reportRunPrefix(site, runId).slice(0, -1));
  const runs = await listRuns(store, site);
  const advice = runs.some((run) => run.runId === runId)
    ? `write them with "rollcall audit --site ${site} --run ${runId}".`
    : runs.length === 0
      ? `the site has no snapshot at all: export it first with "rollcall export --site ${site}".`
      : `there is no snapshot of that run either (the site's runs are ${await describeRuns(store, runs)}).`;
  const withReports = audited ?? (await auditedRuns(store, site));
  const newest = withReports.slice(-RUNS_LISTED);
  const older =
    withReports.length > newest.length ? `${withReports.length - newest.length} older runs and ` : '';
  const others =
    newest.length === 0
      ? ' No run of this site has reports yet.'
      : ` Runs with reports: ${older}${newest.join(', ')}.`;
  return `site ${site} has no reports for run ${runId} in ${where}; ${advice}${others}`;
}

/**
 * The page opens in the browser; the data files download under a name that says which site and
 * run they belong to, so the files of two runs do not overwrite each other in a Downloads folder.
 */
function dispositionOf(site: string, runId: string, name: string): string | undefined {
  return name === reportFiles.html ? undefined : `attachment; filename="${site}-${runId}-${name}"`;
}

/** `2026-11-23T02:00:00Z`. */
function isoSeconds(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
