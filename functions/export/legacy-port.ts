import type { Connector } from '../providers/port.ts';
import type { ExportTarget, ProviderExport } from '../shared/export-model.ts';

/**
 * Every connector now streams its users into the target's sink itself, so this bridge only
 * passes the target on. Kept for the merge of the providers branch; inline it at its two callers
 * (export-site.ts, read-live-site.ts) and remove it.
 */
export function exportThroughLegacyPort(connector: Connector, target: ExportTarget): Promise<ProviderExport> {
  return connector.exportAll(target);
}
