import type { RollcallConfig, SiteConfig } from '../config/schema.ts';
import { type CredentialSources, resolveCredentials } from '../credentials/resolve-credentials.ts';
import type { ProviderAdapter } from '../providers/port.ts';
import { adapterFor } from '../providers/registry.ts';
import { ConfigError, SiteError } from '../shared/errors.ts';

/** The sites a command works on: all by default, else those named (unknown ids are a ConfigError). */
export function selectSites(
  config: RollcallConfig,
  ids: readonly string[],
  configName: string,
): SiteConfig[] {
  if (ids.length === 0) return config.sites;
  const known = new Map(config.sites.map((site) => [site.id, site]));
  return ids.map((id) => {
    const site = known.get(id);
    if (!site) {
      throw new ConfigError(
        `${configName}: no site "${id}" (sites: ${config.sites.map((candidate) => candidate.id).join(', ')}).`,
      );
    }
    return site;
  });
}

/** The one site a command such as `diff` works on. */
export function selectSite(config: RollcallConfig, id: string, configName: string): SiteConfig {
  return selectSites(config, [id], configName)[0] as SiteConfig;
}

export type PreparedSite =
  | { readonly site: SiteConfig; readonly adapter: ProviderAdapter<unknown>; readonly credentials: unknown }
  | { readonly site: SiteConfig; readonly adapter: ProviderAdapter<unknown>; readonly failure: SiteError };

/**
 * Reads every site's credentials before any site is contacted, so a config mistake (a
 * ConfigError, exit 2) stops the command before anything is written. A secret store that
 * cannot be reached fails only its site.
 */
export function prepareSites(
  sites: readonly SiteConfig[],
  sources: CredentialSources,
): Promise<PreparedSite[]> {
  return Promise.all(
    sites.map(async (site): Promise<PreparedSite> => {
      const adapter = adapterFor(site.provider);
      try {
        return {
          site,
          adapter,
          credentials: await resolveCredentials(
            site.id,
            site.credentials,
            adapter.credentialsSchema,
            sources,
          ),
        };
      } catch (error) {
        if (error instanceof SiteError) return { site, adapter, failure: error };
        throw error;
      }
    }),
  );
}
