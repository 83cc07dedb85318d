/** The evidence between two persons that fusion combines (biometrics.fusion.ts): pure, from their records and scores. */
import { compareNames } from '../names';
import type { PersonView } from '../registry';
import type { Modality } from './biometrics.domain';
import { recordedBirthYear, type FusionEvidence } from './biometrics.fusion';
import type { CaseRow } from './biometrics.repository';

/**
 * The evidence between two persons for fusion: the best score of each modality among their duplicate cases, the best
 * comparison of their recorded names (a few at most), and the demographic facts both records state.
 */
export function evidenceBetween(a: PersonView, b: PersonView, cases: readonly Pick<CaseRow, 'modality' | 'score'>[]): FusionEvidence {
  const best = (m: Modality) => {
    const scores = cases.filter((c) => c.modality === m).map((c) => c.score);
    return scores.length > 0 ? Math.max(...scores) : undefined;
  };
  let name: number | undefined;
  for (const x of a.names.slice(0, 3)) for (const y of b.names.slice(0, 3)) name = Math.max(name ?? 0, compareNames(x.full, y.full).score);
  // only a recorded date (exact, month or year), not an estimate or a range, gives a birth year to compare
  const [ya, yb] = [recordedBirthYear(a.birth), recordedBirthYear(b.birth)];
  const known = (sex: string) => sex !== 'unknown' && sex !== '';
  const na = a.nationalities.map((n) => n.country);
  const nb = b.nationalities.map((n) => n.country);
  return {
    face: best('face'),
    finger: best('fingerprint'),
    name,
    birthYears: ya !== null && yb !== null ? [ya, yb] : undefined,
    sexes: known(a.sex) && known(b.sex) ? [a.sex, b.sex] : undefined,
    // nationalities differ only when the two records share none
    nationalities: na.length > 0 && nb.length > 0 ? (na.some((n) => nb.includes(n)) ? [na[0]!, na[0]!] : [na[0]!, nb[0]!]) : undefined,
  };
}
