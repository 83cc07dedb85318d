/**
 * How bench/screening-queue judges the review queue (pure). A card is true when its list entry is the planted
 * person's own individual: the entry they were planted from, or the same individual listed again (by the other list,
 * or twice): a shared document number, or a name the two entries give almost alike and births that do not contradict.
 */
import type { WatchEntry } from '../../src/modules/screening';

type Compare = (a: string, b: string) => { score: number };

/** The same listed individual, by what the two entries say (never by what the registry person says). */
export function cardIsTrue(plantedFrom: WatchEntry, hit: WatchEntry, compare: Compare, sameNameAt = 0.95): boolean {
  if (plantedFrom === hit || plantedFrom.ref === hit.ref) return true;
  const keys = new Set(plantedFrom.documents.map((d) => d.key).filter((k) => k.length >= 5));
  if (hit.documents.some((d) => keys.has(d.key))) return true;
  // births that contradict each other make two individuals; a list that gives none leaves the names to decide
  const contradict =
    plantedFrom.births.length > 0 && hit.births.length > 0 && !plantedFrom.births.some((a) => hit.births.some((b) => a.from <= b.to && b.from <= a.to));
  if (contradict) return false;
  for (const a of plantedFrom.names) for (const b of hit.names) if (compare(a.full, b.full).score >= sameNameAt) return true;
  return false;
}

/** Precision of the queue (true cards / cards) and recall of the planted persons (those with a true card). */
export function queueFigures(cards: readonly { personId: string; truth: boolean }[], plantedIds: readonly string[]) {
  const trueCards = cards.filter((c) => c.truth).length;
  const found = new Set(cards.filter((c) => c.truth).map((c) => c.personId));
  const recalled = plantedIds.filter((id) => found.has(id)).length;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cards: cards.length,
    trueCards,
    falseCards: cards.length - trueCards,
    precision: cards.length ? r3(trueCards / cards.length) : null,
    plantedFound: recalled,
    recall: plantedIds.length ? r3(recalled / plantedIds.length) : null,
  };
}
