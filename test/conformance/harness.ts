import type { EmulatorFaults } from '../../dev/emulators/shared/faults.ts';
import type { ProviderAdapter } from '../../functions/providers/port.ts';
import type { GroupFields, UserFields, UserStatus } from '../../functions/shared/model.ts';

/** How the suite asks a provider's emulator for a site. */
export interface ConformanceSiteOptions {
  /** Ordinary users; the harness adds none of its own unless `inactiveUsers` is set. */
  readonly users: number;
  /** Groups (roles, feeds) besides any the system always has. */
  readonly groups: number;
  /**
   * Also create users in every inactive state the provider has (hidden, disabled, locked,
   * invited): an export must include them all, with the right status.
   */
  readonly inactiveUsers?: boolean;
  readonly faults?: EmulatorFaults;
}

/** A running emulator site and what an export of it must produce. */
export interface ConformanceSite {
  readonly baseUrl: string;
  /** Credentials the emulator accepts, in the provider's credentials JSON shape. */
  readonly credentials: unknown;
  /** Well-formed credentials the emulator rejects. */
  readonly wrongCredentials: unknown;
  /**
   * The ground truth, mapped to the canonical model by the harness itself (not by the connector's
   * mapping): sorted by key, without `raw`.
   */
  expected(): { readonly users: readonly UserFields[]; readonly groups: readonly GroupFields[] };
  setFaults(faults: EmulatorFaults): void;
  close(): Promise<void>;
}

/** One provider in the conformance suite: its adapter and how to start its emulator. */
export interface ProviderHarness {
  readonly adapter: ProviderAdapter<unknown>;
  /** Users per listing page the emulator serves by default (the suite tests around it). */
  readonly pageSize: number;
  /** The statuses `inactiveUsers` adds, e.g. ['disabled'] for LumApps. */
  readonly inactiveStatuses: readonly UserStatus[];
  start(options: ConformanceSiteOptions): Promise<ConformanceSite>;
}
