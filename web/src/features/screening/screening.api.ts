// The screening review queue as GET /screening/hits answers it. The screening module (another team's) has no response
// schemas in its dto yet, so these mirror `HitView` and `PairEvidence` of src/modules/screening (the parts shown here).

export type HitStatus = 'pending' | 'confirmed' | 'dismissed';

export interface HitEvidence {
  name: { personName: string; entryName: string; entryNameKind: string; quality: string; similarity: number; text: string } | null;
  birth: { outcome: 'match' | 'compatible' | 'near' | 'differs' | 'unknown'; person: string | null; entry: string | null; gapDays: number | null };
  nationality: { outcome: 'shared' | 'different' | 'unknown'; shared: string[]; person: string[]; entry: string[] };
  documents: { number: string; personType: string; entryType: string; entryCountry: string | null }[];
  /** Orders candidates and compares with the threshold: evidence strength, never a verdict. */
  strength: number;
  threshold: number;
}

export interface Hit {
  id: string;
  personId: string;
  personName: string | null;
  entry: { id: string; source: string; ref: string; name: string; active: boolean };
  status: HitStatus;
  evidence: HitEvidence;
  trigger: string;
  createdAt: string;
  updatedAt: string;
  decision: { at: string; by: string | null; reason: string | null } | null;
}

/** GET /screening/hits/:id adds the list entry as imported (reading it is audited). */
export interface HitDetail extends Hit {
  entryData: {
    ref: string;
    kind: string;
    program: string | null;
    names: { full: string; kind: string; quality: string; script: string }[];
    births: { type: string; text: string; from: string; to: string }[];
    nationalities: string[];
    documents: { type: string; number: string; country: string | null }[];
    listedOn: string | null;
    gender: string | null;
    placesOfBirth: string[];
    remarks: string | null;
  } | null;
}

export const SOURCE_LABEL: Record<string, string> = { 'un-consolidated': 'UN consolidated list', 'ofac-sdn': 'OFAC SDN list' };
