import type { Connector } from '../providers/port.ts';
import type { ExportTarget, ProviderExport } from '../shared/export-model.ts';

/**
 * Bridges connectors that still return whole listings to the streamed export: their users are
 * handed to the sink in one batch. Removed when every connector streams.
 */
export async function exportThroughLegacyPort(
  connector: Connector,
  target: ExportTarget,
): Promise<ProviderExport> {
  const sink = target.openUsers();
  const data = await connector.exportAll({
    page: (listing, records, total) => target.observer?.page?.(listing, records, total),
  });
  await sink.add(data.users);
  const users = await sink.close();
  return { groups: data.groups, listings: data.listings, users };
}
