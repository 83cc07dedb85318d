import type { Db } from '../../platform/db/database';
import type { Actor } from '../access';

/** What the cases module needs of other modules, wired in services.ts: read through them, never copied. */
export interface CasesPorts {
  /** Is this person in the actor's scope (facility, nationality)? */
  personInScope(db: Db, actor: Actor, personId: string): Promise<boolean>;
  /** The registry's record of a person in scope: nationalities (claimed or verified) and identity documents. */
  identity(
    db: Db,
    actor: Actor,
    personId: string,
  ): Promise<{
    nationalities: { country: string; status: string }[];
    documents: { id: string; type: string; number: string; issuingCountry: string | null }[];
  }>;
  /** The person's matched 1:1 verifications, newest first (the ones a dossier may cite). */
  matchedVerifications(db: Db, personId: string): Promise<{ id: string; modality: string; at: Date }[]>;
  /** Why a cited biometric verification cannot back a record about the person (null when it can). */
  citedVerificationProblem(db: Db, verificationId: string, claim: { personId: string }): Promise<string | null>;
}
