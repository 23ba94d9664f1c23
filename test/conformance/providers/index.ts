import type { ProviderHarness } from '../harness.ts';
import { lumappsHarness } from './lumapps.ts';
import { periscopeV1Harness } from './periscope-v1.ts';
import { periscopeV2Harness } from './periscope-v2.ts';
import { trivoreHarness } from './trivore.ts';

/** Every provider the conformance suite runs against: a new provider is one line here. */
export const harnesses: readonly ProviderHarness[] = [
  periscopeV1Harness,
  periscopeV2Harness,
  lumappsHarness,
  trivoreHarness,
];
