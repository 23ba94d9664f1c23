import type { SiteConfig } from '../config/schema.ts';
import type { CredentialSources } from '../credentials/resolve-credentials.ts';
import { type ConnectDeps, connectSite } from './connect-site.ts';
import { prepareSites } from './prepare-sites.ts';
import { type SiteFailure, siteFailure } from './site-failure.ts';

export type SiteValidation =
  | { readonly site: string; readonly provider: string; readonly status: 'ok' }
  | ({ readonly site: string; readonly provider: string } & SiteFailure);

/** Checks each site's credentials with one cheap authenticated call; exports nothing. */
export async function validateSites(
  sites: readonly SiteConfig[],
  credentialSources: CredentialSources,
  deps: ConnectDeps,
): Promise<SiteValidation[]> {
  const prepared = await prepareSites(sites, credentialSources);
  return Promise.all(
    prepared.map(async (entry): Promise<SiteValidation> => {
      const { site } = entry;
      const failed = (error: unknown): SiteValidation => ({
        site: site.id,
        provider: site.provider,
        ...siteFailure(site.id, error),
      });
      if ('failure' in entry) return failed(entry.failure);
      try {
        await connectSite(site, entry.adapter, entry.credentials, deps).verify();
        return { site: site.id, provider: site.provider, status: 'ok' };
      } catch (error) {
        return failed(error);
      }
    }),
  );
}
