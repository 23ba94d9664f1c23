import type { ProviderFacts } from '../functions/audit/audit-site.ts';
import { adapterFor, isProviderId } from '../functions/providers/registry.ts';

/**
 * The provider's name and capabilities from the registry, for snapshots whose manifest predates
 * recording them: the shells pass this to the audit, whose core knows no provider.
 */
export function registryProviderFacts(provider: string): ProviderFacts | undefined {
  if (!isProviderId(provider)) return undefined;
  const adapter = adapterFor(provider);
  return { name: adapter.displayName, capabilities: adapter.capabilities };
}
