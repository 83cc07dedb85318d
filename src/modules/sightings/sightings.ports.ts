import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';
import type { WatchProbe, WatchResult, WatchSet } from '../biometrics';
import type { AppendOptions, AppendRequest, LedgerEvent } from '../custody';
import type { PersonView } from '../registry';

export interface SightingsPorts {
  /** 1:N of a checkpoint's probe over the wanted gallery (a set of persons) or everyone enrolled. */
  biometrics: {
    watchSearch(probe: WatchProbe, among: WatchSet | null): Promise<WatchResult>;
    /** The face engine's verdict on a frame (nothing stored, nobody named): the checkpoint page's live guidance. */
    probeQuality(image: Uint8Array): Promise<{ ok: boolean; score: number; issues: { code: string; message: string }[]; box: unknown }>;
  };
  /** The person record, in the actor's scope (the caller audits the read). */
  persons: { loadInScope(db: Db, actor: Actor, id: string): Promise<PersonView> };
  /** The custody ledger: RECAPTURED with the sighting as evidence, in the caller's transaction. */
  ledger: { appendManyIn(tx: Db, actor: Actor, requests: AppendRequest[], opts?: AppendOptions): Promise<LedgerEvent[]> };
  facilities: { require(db: Db, facilityId: string): Promise<unknown> };
}
