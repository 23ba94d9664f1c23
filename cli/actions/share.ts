import type { Command } from 'commander';
import { selectSite } from '../../functions/export/prepare-sites.ts';
import { MAX_LINK_SECONDS, type ShareResult, shareReportLinks } from '../../functions/reports/share-links.ts';
import { systemClock } from '../../functions/shared/clock.ts';
import { ConfigError } from '../../functions/shared/errors.ts';
import { canShareLinks } from '../../functions/store/port.ts';
import { type CliClients, createContext } from '../context.ts';
import { formatBytes, toJson } from '../format.ts';
import { type CliIo, exitCodes } from '../io.ts';
import { type GlobalOptions, parseExpires, runIdsNamed } from '../options.ts';

interface ShareOptions extends GlobalOptions {
  site: string;
  run: string;
  expires: string;
  store?: string;
}

/** What `rollcall share` does once commander has read its flags. */
export async function shareAction(
  command: Command,
  io: CliIo,
  clients: CliClients,
  setExit: (code: number) => void,
): Promise<void> {
  const options = command.optsWithGlobals<ShareOptions>();
  const context = await createContext(options.config, io, clients);
  const site = selectSite(context.loaded.config, options.site, context.configName);
  const expiresInSeconds = parseExpires(options.expires, '--expires', MAX_LINK_SECONDS);
  const store = context.store(options.store);
  if (!canShareLinks(store)) {
    const [origin, uri] =
      options.store === undefined
        ? [`the store of ${context.configName}`, context.loaded.config.store]
        : ['--store', options.store];
    throw new ConfigError(
      `share needs an S3 store; ${origin} is "${uri}", a local directory that has no download links to give. Pass --store s3://<bucket>[/<prefix>] where the reports are, or send the files in that directory yourself.`,
    );
  }
  const [run = ''] = await runIdsNamed(store, site.id, [[options.run, '--run']]);
  const result = await shareReportLinks(
    store,
    { site: site.id, run, expiresInSeconds },
    clients.clock ?? systemClock,
  );
  if (result.status === 'missing') {
    io.stderr.write(`rollcall: ${result.reason}\n`);
    setExit(exitCodes.usage);
    return;
  }
  if (options.json) {
    const { status: _status, ...document } = result;
    io.stdout.write(toJson(document));
  } else printLinks(io, result, options.expires.trim());
  setExit(exitCodes.ok);
}

function printLinks(io: CliIo, result: Extract<ShareResult, { status: 'shared' }>, expires: string): void {
  io.stdout.write(
    `rollcall share · site ${result.site} · run ${result.runId} · links expire ${result.expiresAt} (${expires} from now)\n\n`,
  );
  const sizes = result.links.map((link) => formatBytes(link.bytes));
  const nameWidth = Math.max(...result.links.map((link) => link.name.length));
  const sizeWidth = Math.max(...sizes.map((size) => size.length));
  result.links.forEach((link, index) => {
    io.stdout.write(
      `${link.name.padEnd(nameWidth)}  ${(sizes[index] ?? '').padStart(sizeWidth)}  ${link.url}\n`,
    );
  });
  io.stdout.write(
    `\nAnyone holding a link can download that file until ${result.expiresAt}: send the links only to the people who should read the reports.\n` +
      'The links stop working earlier if the credentials that signed them expire or are revoked first: temporary, SSO and role credentials often last only hours.\n',
  );
  if (result.credentialsExpireAt !== undefined && result.credentialsExpireAt < result.expiresAt)
    io.stderr.write(
      `WARNING: the credentials that signed these links expire at ${result.credentialsExpireAt}, before the links do; the links stop working then. To make links that last until ${result.expiresAt}, run share again with credentials valid until then, or ask for a shorter --expires.\n`,
    );
}
