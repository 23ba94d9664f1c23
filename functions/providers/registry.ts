import { lumapps } from './lumapps/adapter.ts';
import { periscopeV1 } from './periscope-v1/adapter.ts';
import { periscopeV2 } from './periscope-v2/adapter.ts';
import type { ProviderAdapter, ProviderId } from './port.ts';
import { trivore } from './trivore/adapter.ts';

/** Every provider rollcall can back up; a new provider is one line here (and its id in port.ts). */
const adapters: { readonly [Id in ProviderId]: ProviderAdapter } = {
  'periscope-v1': periscopeV1,
  'periscope-v2': periscopeV2,
  lumapps,
  trivore,
};

export const providerIds = Object.keys(adapters) as ProviderId[];

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(adapters, value);
}

export function adapterFor(id: ProviderId): ProviderAdapter {
  return adapters[id];
}
